// REQ: requests to REP servers, many in flight, each with its own id (ids.ts)
// as the SP header. A request goes to one open connection (round-robin), is
// sent again every `resendInterval` ms until its reply comes, and at once on
// another connection when its own is lost. A reply whose request has settled
// is dropped, as libnanomsg does.
import type { Connection } from './connection.js';
import { NanomsgError } from './errors.js';
import { idOf, Ids, withId } from './ids.js';
import { toBytes, type Message } from './message.js';
import { checkInteger, timeoutOf, type SocketOptions, type WaitOptions } from './options.js';
import { SocketBase } from './socket.js';
import { Waiters } from './waiters.js';

/** `new Req(options)`. */
export interface ReqOptions extends SocketOptions {
  /** Milliseconds before a request without a reply is sent again (default 60000, as NN_REQ_RESEND_IVL). */
  resendInterval?: number;
}

/**
 * A request whose connection is lost this many times while it is in flight
 * fails with `'ECONNRESET'`: a server that drops the connection on
 * every request (one above its `receiveMaxSize`) would otherwise be sent it forever.
 */
const MAX_LOSSES = 3;
/** How soon a request is tried again while every open connection's buffer is full. */
const FULL_RETRY_MS = 10;

interface Pending {
  readonly id: number;
  readonly frame: Uint8Array;
  readonly resolve: (reply: Uint8Array) => void;
  readonly reject: (reason: unknown) => void;
  /** The connection it went out on last; undefined while it waits for one. */
  on: Connection | undefined;
  losses: number;
  resend: ReturnType<typeof setTimeout> | undefined;
  timeout: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A cooked `send`'s request, until `recv` takes its reply. */
interface Current {
  readonly id: number;
  reply: Uint8Array | undefined;
}

/** A REQ socket: `connect` to libnanomsg REP ws addresses, then `request` (or `send` then `recv`). */
export class Req extends SocketBase {
  #resendInterval: number;
  readonly #ids = new Ids();
  readonly #pending = new Map<number, Pending>();
  #current: Current | undefined;
  readonly #replyWaiters = new Waiters<Uint8Array>();

  constructor(options?: ReqOptions) {
    super('rep.sp.nanomsg.org', options);
    this.#resendInterval = checkInteger(options?.resendInterval ?? 60_000, 'resendInterval', 0);
  }

  /** Milliseconds before a request without a reply is sent again. */
  get resendInterval(): number {
    return this.#resendInterval;
  }

  /** Sets it (an integer of milliseconds, from 0). */
  set resendInterval(value: number) {
    this.#resendInterval = checkInteger(value, 'resendInterval', 0);
  }

  /**
   * Sends a request and resolves with its reply. Any number may be in flight.
   * Rejects with `'ETIMEDOUT'` after `timeout` ms (default `receiveTimeout`),
   * the signal's reason on abort, `'EBADF'` on close.
   */
  request(message: Message, options?: WaitOptions): Promise<Uint8Array> {
    try {
      const bytes = toBytes(message);
      const timeout = timeoutOf(options, this.options.receiveTimeout);
      this.checkOpen('nn_send');
      return this.#start(bytes, timeout, options?.signal).promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends a request whose reply the next `recv` returns (a cooked REQ: one at a
   * time; a new `send` abandons the request before it). Resolves at once: the
   * request goes out as soon as a connection is open.
   */
  async send(message: Message, _options?: WaitOptions): Promise<void> {
    const bytes = toBytes(message);
    this.checkOpen('nn_send');
    const old = this.#current === undefined ? undefined : this.#pending.get(this.#current.id);
    if (old !== undefined)
      this.#end(old, new NanomsgError('EFSM', 'nn_send', 'abandoned for a newer request'));
    const { id, promise } = this.#start(bytes, -1, undefined);
    const current: Current = { id, reply: undefined };
    this.#current = current;
    promise.then(
      (reply) => {
        if (this.#current !== current) return;
        if (this.#replyWaiters.settleFirst(reply)) this.#current = undefined;
        else current.reply = reply;
      },
      () => {}, // abandoned or closed: recv reports its own error
    );
  }

  /** The reply to the last `send`; `'EFSM'` when no request was sent. */
  async recv(options?: WaitOptions): Promise<Uint8Array> {
    const timeout = timeoutOf(options, this.options.receiveTimeout);
    this.checkOpen('nn_recv');
    const current = this.#current;
    if (current === undefined)
      throw new NanomsgError('EFSM', 'nn_recv', 'no request to receive the reply of (send first)');
    if (current.reply !== undefined) {
      this.#current = undefined;
      return current.reply;
    }
    return this.#replyWaiters.wait(timeout, options?.signal, 'nn_recv');
  }

  /** Starts a request: its id, and its reply. */
  #start(
    body: Uint8Array,
    timeout: number,
    signal: AbortSignal | undefined,
  ): { id: number; promise: Promise<Uint8Array> } {
    const id = this.#ids.take();
    if (signal?.aborted) return { id, promise: Promise.reject(signal.reason) };
    // A copy: the caller may change its bytes; a resend sends what was asked.
    const frame = withId(id, body);
    const promise = new Promise<Uint8Array>((resolve, reject) => {
      const p: Pending = {
        id,
        frame,
        resolve,
        reject,
        on: undefined,
        losses: 0,
        resend: undefined,
        timeout: undefined,
        signal,
        onAbort: undefined,
      };
      this.#pending.set(id, p);
      if (timeout >= 0) {
        p.timeout = setTimeout(
          () => this.#end(p, new NanomsgError('ETIMEDOUT', 'nn_recv')),
          timeout,
        );
      }
      if (signal !== undefined) {
        p.onAbort = () => this.#end(p, signal.reason);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.#send(p);
    });
    return { id, promise };
  }

  /** Sends `p` on the next open connection, or leaves it for the next connection to open. */
  #send(p: Pending): void {
    if (p.resend !== undefined) clearTimeout(p.resend);
    p.resend = undefined;
    p.on = this.trySendOne(p.frame);
    if (p.on !== undefined) p.resend = setTimeout(() => this.#send(p), this.#resendInterval);
    else if (this.connected) p.resend = setTimeout(() => this.#send(p), FULL_RETRY_MS);
  }

  /** @internal */
  protected override connectionOpened(): void {
    for (const p of this.#pending.values())
      if (p.on === undefined && p.resend === undefined) this.#send(p);
  }

  /** @internal A connection went: its requests go again at once, on another one if open (as a cooked REQ). */
  protected override connectionLost(c: Connection): void {
    for (const p of [...this.#pending.values()]) {
      if (p.on !== c) continue;
      if (++p.losses >= MAX_LOSSES) {
        const detail =
          `the connection was lost ${MAX_LOSSES} times while this request was in flight ` +
          `(larger than the server's receiveMaxSize?); last: ${c.lastClose ?? 'no reason given'}`;
        this.#end(p, new NanomsgError('ECONNRESET', 'nn_send', detail));
      } else {
        this.#send(p);
      }
    }
  }

  /** @internal */
  protected override received(_from: Connection, data: Uint8Array): void {
    const id = idOf(data);
    const p = id === undefined ? undefined : this.#pending.get(id);
    if (p === undefined) return; // late, or not ours: dropped, as libnanomsg does
    this.#end(p, undefined, data.subarray(4));
  }

  /** @internal */
  protected override closing(reason: NanomsgError): void {
    for (const p of [...this.#pending.values()]) this.#end(p, reason);
    this.#replyWaiters.rejectAll(reason);
    this.#current = undefined;
  }

  /** Ends `p`: with its reply, or rejected with `reason`. */
  #end(p: Pending, reason: unknown, reply?: Uint8Array): void {
    if (!this.#pending.delete(p.id)) return;
    if (p.resend !== undefined) clearTimeout(p.resend);
    if (p.timeout !== undefined) clearTimeout(p.timeout);
    if (p.onAbort !== undefined) p.signal!.removeEventListener('abort', p.onAbort);
    if (reply !== undefined) p.resolve(reply);
    else p.reject(reason);
  }
}
