// The answering side of REQ/REP and SURVEYOR/RESPONDENT: a request arrives
// with its SP header (the route back: 4-byte words up to the first one with
// the top bit set, the requester's id), and the reply carries the same header
// back to the connection the request came from. `recv`/`send` answer one
// request at a time (cooked); `serve` answers up to `concurrency` at once.
import type { Connection } from './connection.js';
import { NanomsgError } from './errors.js';
import { frame, toBytes, type Message } from './message.js';
import { checkInteger, timeoutOf, type SocketOptions, type WaitOptions } from './options.js';
import { iterate, ReceiveQueue } from './receive-queue.js';
import { SocketBase } from './socket.js';

/** What `serve` calls for each request: the reply, or a promise of it. */
export type Handler = (request: Uint8Array) => Message | Promise<Message>;

/** `serve(handler, options)`. */
export interface ServeOptions {
  /** How many handlers may run at once (default 1); while that many run, nothing more is received. */
  concurrency?: number;
  /** Aborting it ends `serve` (after the handlers already running). */
  signal?: AbortSignal;
  /** Told of a handler that threw or rejected (no reply is sent; the requester resends). Default: `console.warn`. */
  onError?: (error: unknown, request: Uint8Array) => void;
}

/** As libnanomsg's NN_MAXTTL default: a header longer than this many hops is dropped. */
const MAX_HOPS = 8;

interface Request {
  readonly from: Connection;
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

/** The base of `Rep` and `Respondent`. */
export abstract class Responder extends SocketBase {
  readonly #inbox: ReceiveQueue<Request>;
  /** The request the last `recv` returned, that `send` answers. */
  #current: Request | undefined;
  #serving = false;

  protected constructor(subprotocol: string, options?: SocketOptions) {
    super(subprotocol, options);
    this.#inbox = new ReceiveQueue(this.options.receiveBufferSize);
  }

  /** The next request's body; `send` answers it. `'EFSM'` while `serve` runs. */
  async recv(options?: WaitOptions): Promise<Uint8Array> {
    const timeout = timeoutOf(options, this.options.receiveTimeout);
    this.#checkDirect('nn_recv');
    const request = await this.#inbox.take(timeout, options?.signal, 'nn_recv');
    this.#current = request;
    return request.body;
  }

  /** The next request's body if one is there (never waits). */
  tryRecv(): Uint8Array | undefined {
    this.#checkDirect('nn_recv');
    const request = this.#inbox.tryTake();
    if (request === undefined) return undefined;
    this.#current = request;
    return request.body;
  }

  /**
   * Answers the request the last `recv` returned; `'EFSM'` when there is none.
   * A reply whose requester's connection is gone is dropped (the requester resends).
   */
  async send(message: Message, _options?: WaitOptions): Promise<void> {
    const bytes = toBytes(message);
    this.#checkDirect('nn_send');
    const request = this.#current;
    if (request === undefined)
      throw new NanomsgError('EFSM', 'nn_send', 'no request to answer (recv first)');
    this.#current = undefined;
    this.sendOn(request.from, frame(request.header, bytes));
  }

  /** Every request's body, each answered by a `send` before the next; ends when the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return iterate(() => this.recv({ timeout: -1 }));
  }

  /**
   * Receives requests and answers each with what `handler` returns, until
   * `signal` aborts or the socket closes; resolves after the running handlers end.
   */
  async serve(handler: Handler, options: ServeOptions = {}): Promise<void> {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    const { signal, onError = warn } = options;
    const concurrency = checkInteger(options.concurrency ?? 1, 'concurrency', 1);
    if (typeof onError !== 'function') throw new TypeError('onError must be a function');
    this.#checkDirect('nn_recv');
    this.#serving = true;
    const running = new Set<Promise<void>>();
    try {
      while (!signal?.aborted) {
        let request: Request;
        try {
          request = await this.#inbox.take(-1, signal, 'nn_recv');
        } catch (error) {
          if (signal?.aborted || (error instanceof NanomsgError && error.code === 'EBADF')) break;
          throw error;
        }
        const job = this.#answer(request, handler, onError).finally(() => running.delete(job));
        running.add(job);
        if (running.size >= concurrency) await Promise.race(running);
      }
    } finally {
      await Promise.allSettled(running);
      this.#serving = false;
    }
  }

  async #answer(
    request: Request,
    handler: Handler,
    onError: NonNullable<ServeOptions['onError']>,
  ): Promise<void> {
    try {
      const reply = toBytes(await handler(request.body), "the handler's result");
      if (!this.closed) this.sendOn(request.from, frame(request.header, reply));
    } catch (error) {
      onError(error, request.body);
    }
  }

  #checkDirect(syscall: string): void {
    this.checkOpen(syscall);
    if (this.#serving) throw new NanomsgError('EFSM', syscall, 'serve() is running on this socket');
  }

  /** @internal */
  protected override received(from: Connection, data: Uint8Array): void {
    const length = headerLength(data);
    if (length === 0) return; // no route back: not a request (libnanomsg drops it too)
    const request = { from, header: data.slice(0, length), body: data.subarray(length) };
    if (!this.#inbox.push(request, data.byteLength)) this.countDropped();
  }

  /** @internal */
  protected override closing(reason: NanomsgError): void {
    this.#inbox.close(reason);
    this.#current = undefined;
  }
}

/** Bytes of the SP header at the start of `data` (its words up to the first with the top bit set), 0 if none. */
function headerLength(data: Uint8Array): number {
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const at = hop * 4;
    if (data.byteLength < at + 4) return 0;
    if ((data[at]! & 0x80) !== 0) return at + 4;
  }
  return 0;
}

function warn(error: unknown): void {
  console.warn(
    '@nanomsg-ts/web: a serve() handler failed; no reply was sent (the requester resends):',
    error,
  );
}
