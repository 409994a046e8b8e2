// The receiving side of a socket: messages taken from the library and not yet
// handed out (the inbox), and the callers waiting for one, in order.
import { checkOperationOptions, type CheckedOperationOptions } from './args.js';
import { badf, eterm, type Lifecycle } from './lifecycle.js';
import type { NativeSocket } from './native.js';
import type { OptionValues } from './option-values.js';
import type { Traits } from './protocols.js';
import { Queue } from './queue.js';
import { takeBodies, takeRaw } from './receive-pool.js';
import { nnError } from './symbols.js';
import type { Turns } from './turns.js';
import type { OperationOptions, RawMessage } from './types.js';
import { arm, disarm, type Waiter } from './waiters.js';

/** Most messages taken from the library per call, and per wake-up with waiters. */
const BATCH = 256;

// What a waiting receiver gets: the body, the body with its header, or an
// iterator result (and the end of iteration on close).
/** @internal `recv`: the body. */
export const BODY = 0;
/** @internal `recvMessage`: the body with its header. */
export const WITH_HEADER = 1;
/** @internal An iteration step: an iterator result, the end of iteration on close. */
export const ITERATE = 2;
/** @internal What a receive gives. */
export type ReceiveKind = typeof BODY | typeof WITH_HEADER | typeof ITERATE;

/** @internal The end of an iteration. */
export const DONE: Promise<IteratorResult<Buffer, undefined>> = /* @__PURE__ */ Promise.resolve({
  done: true,
  value: undefined,
});

/** What the inbox holds: bodies on a cooked socket, bodies with headers on a raw one. */
type Received = Buffer | RawMessage;

interface Receiver extends Waiter<unknown> {
  kind: ReceiveKind;
}

/**
 * Takes every message as it comes, synchronously, while it has room: what
 * runs many exchanges on one raw socket (see `SocketBase.consume`) instead of
 * one promise per message. For protocol packages.
 */
export interface Consumer {
  /** How many more messages it takes now; at 0 the socket stops reading until `consume` is called again. */
  room(): number;
  /** One message with its header, in arrival order. Must not throw. */
  take(message: RawMessage): void;
  /** The socket can no longer receive (`'EBADF'` on close, `'ETERM'`); it has let the consumer go. */
  stop(error: unknown): void;
}

/** @internal What the receive queue uses of its socket. */
export interface ReceiveHost {
  readonly native: NativeSocket;
  readonly raw: boolean;
  readonly options: OptionValues;
  readonly turns: Turns;
  readonly state: Lifecycle;
  /** Who waits changed: the socket's watchers follow. */
  changed(): void;
}

/** What a receiver of `kind` gets for a message taken from the library. */
function shape(item: Received, kind: ReceiveKind): unknown {
  const isBody = Buffer.isBuffer(item);
  switch (kind) {
    case BODY:
      return isBody ? item : item.body;
    case WITH_HEADER:
      return isBody ? { body: item, header: Buffer.alloc(0) } : item;
    default:
      return { value: isBody ? item : item.body, done: false };
  }
}

/** @internal The receive queue of one socket. */
export class ReceiveQueue {
  readonly #host: ReceiveHost;
  readonly #inbox = new Queue<Received>();
  readonly #receivers = new Queue<Receiver>();
  /** Messages taken per call: a batch, or one when the protocol must not receive ahead. */
  readonly #batch: number;
  /**
   * One exchange at a time: the library keeps the return path of the last
   * request received only, so the socket never receives ahead of its caller
   * and refuses a receive while another caller waits for, or is being handed,
   * a request.
   */
  readonly #oneExchange: boolean;
  /** On a one-exchange socket: a request was handed to a promise whose caller has not run yet. */
  #handing = false;
  readonly #handed = (): void => {
    this.#handing = false;
  };
  readonly #left = (): void => this.#host.changed();
  #consumer: Consumer | undefined;

  constructor(host: ReceiveHost, traits: Traits) {
    this.#host = host;
    this.#batch = traits.receiveAhead ? BATCH : 1;
    this.#oneExchange = traits.oneExchange;
  }

  /** How many callers wait (a consumer with room counts as one). */
  get waiting(): number {
    const consumer = this.#consumer;
    return this.#receivers.length + (consumer !== undefined && consumer.room() > 0 ? 1 : 0);
  }

  /**
   * Hands every message to `consumer` from now on (undefined: to nobody),
   * starting with those ready now; called again, it looks at the consumer's
   * room anew.
   */
  consume(consumer: Consumer | undefined): void {
    this.#consumer = consumer;
    if (consumer !== undefined) this.#feed();
  }

  /** True when a message taken from the library waits to be handed out. */
  get holding(): boolean {
    return this.#inbox.length > 0;
  }

  /** Receives one message of `kind`, waiting until one comes (`recv`, `recvMessage`, iteration). */
  receive(kind: ReceiveKind, opts: OperationOptions | undefined): Promise<unknown> {
    const host = this.#host;
    const syscall = kind === WITH_HEADER ? 'nn_recvmsg' : 'nn_recv';
    let checked: CheckedOperationOptions;
    let timeout: number;
    try {
      checked = checkOperationOptions(opts);
      // An already-aborted signal rejects at once and takes no message.
      if (checked.signal?.aborted) return Promise.reject(checked.signal.reason);
      if (host.state.terminated) throw eterm(syscall);
      this.#checkOneExchange(syscall);
      if (this.#receivers.length === 0) {
        const ready = this.#inbox.shift() ?? (host.state.closed ? undefined : this.#take(false));
        if (ready !== undefined) return this.#hand(shape(ready, kind));
      }
      if (host.state.closed) {
        if (kind === ITERATE) return DONE;
        throw badf(syscall);
      }
      // Iteration waits without limit: a `for await` loop ends when the
      // socket closes, not when it has been idle for receiveTimeout.
      timeout = kind === ITERATE ? -1 : (checked.timeout ?? host.options.receiveTimeout());
      if (timeout === 0) {
        // Not waiting at all: look once more the way tryRecv does (past
        // messages the protocol dropped), as no watcher will.
        const late = this.#receivers.length === 0 ? this.#take(true) : undefined;
        if (late !== undefined) return this.#hand(shape(late, kind));
        throw nnError('ETIMEDOUT', syscall);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const waiter: Receiver = {
        resolve,
        reject,
        timer: undefined,
        signal: checked.signal,
        onAbort: undefined,
        syscall,
        kind,
      };
      arm(waiter, this.#receivers, timeout, disarm, this.#left);
      host.changed();
    });
  }

  /** `tryRecv`: a message ready now, or undefined. */
  tryRecv(): Buffer | undefined {
    if (this.#host.state.terminated) throw eterm('nn_recv');
    this.#checkOneExchange('nn_recv');
    const ready = this.#inbox.shift();
    if (ready !== undefined) return shape(ready, BODY) as Buffer;
    if (this.#host.state.closed) throw badf('nn_recv');
    // Callers already waiting come first.
    if (this.#receivers.length > 0) return undefined;
    const taken = this.#take(true);
    return taken === undefined ? undefined : (shape(taken, BODY) as Buffer);
  }

  /**
   * A promise of `value` for a receive that completed at once. On a
   * one-exchange socket, until the caller's own code runs (the promise's
   * reactions, queued after this one's), another receive would take the
   * next request: it is refused meanwhile.
   */
  #hand(value: unknown): Promise<unknown> {
    const promise = this.#host.turns.now(value);
    if (this.#oneExchange) {
      this.#handing = true;
      void promise.then(this.#handed);
    }
    return promise;
  }

  /**
   * On a one-exchange socket, a second receive while one is pending would
   * take the next request and with it the return path of the reply the first
   * caller is about to send: refused with EFSM.
   */
  #checkOneExchange(syscall: string): void {
    if (this.#oneExchange && (this.#receivers.length > 0 || this.#handing)) {
      throw nnError('EFSM', syscall, 'another receive is pending: one exchange at a time');
    }
  }

  /**
   * Takes what the library has ready: the first message, the rest into the
   * inbox. `retry` as for `takeBodies`.
   */
  #take(retry: boolean, max = this.#batch): Received | undefined {
    const { native, raw } = this.#host;
    return raw ? takeRaw(native, max, this.#inbox) : takeBodies(native, max, retry, this.#inbox);
  }

  /** Hands the consumer what the inbox and the library have, while it has room (a bounded batch). */
  #feed(): void {
    const consumer = this.#consumer!;
    const { state } = this.#host;
    let budget = BATCH * 4;
    // The consumer may let go, or fill up, in any `take`.
    while (consumer === this.#consumer) {
      const room = consumer.room();
      if (room <= 0) return;
      let message = this.#inbox.shift();
      if (message === undefined) {
        if (budget <= 0 || state.closed || state.terminated) return;
        try {
          message = this.#take(false, Math.min(room, this.#batch));
        } catch (error) {
          this.#consumer = undefined;
          consumer.stop(error);
          return;
        }
        if (message === undefined) return;
        budget -= this.#inbox.length + 1;
      }
      consumer.take(shape(message, WITH_HEADER) as RawMessage);
    }
  }

  /** Hands messages to the waiting callers, in order, while the library has some (the socket became readable). */
  deliver(): void {
    let budget = BATCH * 4;
    while (this.#receivers.length > 0) {
      let message = this.#inbox.shift();
      if (message === undefined) {
        if (budget <= 0) return;
        try {
          message = this.#take(false);
        } catch (error) {
          const waiter = this.#receivers.shift()!;
          disarm(waiter);
          waiter.reject(error);
          continue;
        }
        if (message === undefined) break;
        budget -= this.#inbox.length + 1;
      }
      const waiter = this.#receivers.shift()!;
      disarm(waiter);
      if (this.#oneExchange) {
        this.#handing = true;
        queueMicrotask(this.#handed);
      }
      waiter.resolve(shape(message, waiter.kind));
    }
    if (this.#consumer !== undefined) this.#feed();
  }

  /** Drops the messages taken ahead (a new exchange started: the library drops their like). */
  dropAhead(): void {
    this.#inbox.takeAll();
  }

  /** Keeps, of the messages taken ahead, those whose body passes `keep`. */
  retain(keep: (body: Buffer) => boolean): void {
    this.#inbox.retain((m) => keep(Buffer.isBuffer(m) ? m : m.body));
  }

  /** The socket closed: waiting receives reject with `'EBADF'`, iterations end. */
  close(): void {
    this.#handing = false; // later receives fail with EBADF, not EFSM
    this.#stopConsumer(badf('nn_recvmsg'));
    this.#inbox.takeAll();
    for (const waiter of this.#receivers.takeAll()) {
      disarm(waiter);
      if (waiter.kind === ITERATE) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(badf(waiter.syscall));
    }
  }

  /** `terminate()` was called: waiting receives reject with `'ETERM'`. */
  terminate(): void {
    this.#handing = false;
    this.#stopConsumer(eterm('nn_recvmsg'));
    this.#inbox.takeAll();
    for (const waiter of this.#receivers.takeAll()) {
      disarm(waiter);
      waiter.reject(eterm(waiter.syscall));
    }
  }

  #stopConsumer(error: unknown): void {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    consumer?.stop(error);
  }
}
