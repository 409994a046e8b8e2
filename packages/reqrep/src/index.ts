import {
  ExchangeSocket,
  checkOperationOptions,
  defineOptionProperties,
  nanomsgError,
  registerProtocol,
  type CheckedOperationOptions,
  type ExchangeSocketOptions,
  type Message,
  type OperationOptions,
  type OptionTable,
  type RequestHandler,
  type ServeOptions,
} from '@nanomsg-ts/core';
import { Requests, type PendingRequest } from './requests.js';

export { NanomsgError } from '@nanomsg-ts/core';
export type {
  Endpoint,
  ExchangeSocketOptions,
  Message,
  OperationOptions,
  RawMessage,
  RawMessageInit,
  RequestHandler,
  ServeOptions,
  SocketOptionProperties,
  SocketOptions,
} from '@nanomsg-ts/core';

/** The option properties of a `Req`, beyond those of every socket. */
export interface ReqOptionProperties {
  /**
   * `NN_REQ_RESEND_IVL` at level `NN_REQ` (ms, 1 or more; default 60000):
   * resend a request that got no reply within this time. 0 is a RangeError:
   * the request would be resent without pause. A concurrent `Req` has it
   * too (the binding keeps it: a raw socket has no such option), and resends
   * each request on its own.
   */
  resendInterval: number;
}

/** Options of the `Req` constructor: `concurrent`, `raw` and any writable option property. */
export interface ReqOptions extends ExchangeSocketOptions, Partial<ReqOptionProperties> {}

/** Options of the `Rep` constructor: `concurrent`, `raw` and any writable option property. */
export interface RepOptions extends ExchangeSocketOptions {}

const reqOptions: OptionTable<ReqOptionProperties> = {
  resendInterval: { option: 'NN_REQ_RESEND_IVL', type: 'number' },
};

// What core needs to know of NN_REQ and NN_REP (see registerProtocol): a new
// request cancels the previous one, whose reply the library then drops; a
// REP keeps the return path of the last request received only.
registerProtocol('NN_REQ', {
  receive: 'ahead',
  sendStartsExchange: true,
  optionRanges: {
    NN_REQ_RESEND_IVL: {
      min: 1,
      why: 'at 0 every request would be resent without pause, spinning a core',
    },
  },
});
registerProtocol('NN_REP', { receive: 'one-exchange' });

// The option properties, made from the table in the class (see ReqOptionProperties).
export interface Req extends ReqOptionProperties {}

/**
 * A REQ socket (`NN_REQ`): sends requests to the connected `Rep` sockets
 * (load-balanced) and receives their replies. The library resends a request
 * that got no reply within `resendInterval`, e.g. to another `Rep` when one
 * died. A `recv` before a `send` fails with `'EFSM'`; a new `send` while a
 * request is outstanding cancels that request (its reply is dropped).
 *
 * Prefer `request()`, which pairs each request with its own reply. With
 * `concurrent: true` the socket is opened raw and `request()` runs any number
 * of requests at once, each with its own id (then `send`, `recv` and their
 * variants fail with `'EFSM'`); any `Rep`, cooked or not, answers it.
 *
 * @example
 * ```ts
 * import { Req } from '@nanomsg-ts/reqrep';
 * const req = new Req();
 * req.connect('tcp://127.0.0.1:5555');
 * const reply = await req.request('what time is it?', { timeout: 1000 });
 *
 * const many = new Req({ concurrent: true });
 * many.connect('tcp://127.0.0.1:5555');
 * const replies = await Promise.all(ids.map((id) => many.request(`user ${id}`)));
 * ```
 */
export class Req extends ExchangeSocket {
  #turn: Promise<void> = Promise.resolve();
  /** The requests in flight of a concurrent Req. */
  readonly #requests: Requests | undefined;

  /**
   * Opens a REQ socket (`nn_socket(AF_SP, NN_REQ)`; `raw: true` for
   * `AF_SP_RAW`). With `concurrent: true` it is opened raw and `request()`
   * runs any number of requests at once.
   */
  constructor(options?: ReqOptions) {
    super('NN_REQ', options, reqOptions);
    this.#requests = this.concurrent
      ? new Requests({
          exchanges: this.exchanges<PendingRequest>(),
          sendMessage: (m, o) => this.doSendMessage(m, o),
          resendInterval: () => this.resendInterval,
          receiveTimeout: () => this.defaultTimeout('receive'),
        })
      : undefined;
  }

  static {
    defineOptionProperties<ReqOptionProperties>(this, reqOptions);
  }

  protected override keptOptionChanged(): void {
    this.#requests?.reschedule();
  }

  /**
   * Sends `message` and resolves with its reply (`nn_send` then `nn_recv`).
   *
   * On a concurrent `Req`, any number of requests run at once: each has its
   * own request id, is resent every `resendInterval` until its reply comes,
   * and settles on its own, with its reply, `'ETIMEDOUT'` when its `timeout`
   * passes (without one: `sendTimeout` for the send, then `receiveTimeout`
   * for the reply), the signal's reason on abort, or `'EBADF'` on close. A
   * reply to a request that already settled is dropped.
   *
   * On a cooked `Req`, several `request()` calls at once are queued and run one after another,
   * in call order, each getting its own reply: a REQ socket has one request
   * outstanding at a time. `timeout` (ms) bounds the whole request, the wait
   * for earlier requests included; without it the send waits up to
   * `sendTimeout` and the reply up to `receiveTimeout`. On expiry or abort the
   * request rejects (`'ETIMEDOUT'` or the signal's reason); the next request
   * cancels it at the socket level, so its late reply can never be taken for
   * another request's.
   *
   * Do not mix `request()` with plain `send`/`recv` on the same socket.
   */
  request(message: Message, opts?: OperationOptions): Promise<Buffer> {
    if (this.#requests !== undefined) return this.#requests.request(message, opts);
    let checked: CheckedOperationOptions;
    try {
      checked = checkOperationOptions(opts);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, timeout } = checked;
    const deadline = timeout === undefined || timeout === -1 ? undefined : Date.now() + timeout;
    const left = (): number | undefined =>
      deadline === undefined ? undefined : Math.max(0, deadline - Date.now());

    const previous = this.#turn;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    // The next request starts when this one and every earlier one ended.
    this.#turn = Promise.all([previous, mine]).then(() => undefined);

    const run = async (): Promise<Buffer> => {
      try {
        await waitTurn(previous, signal, left());
        signal?.throwIfAborted();
        await this.send(message, { signal, timeout: left() });
        return await this.recv({ signal, timeout: left() });
      } finally {
        done();
      }
    };
    return run();
  }
}

/** Waits for `previous`, unless `signal` aborts or `ms` pass first. */
function waitTurn(
  previous: Promise<void>,
  signal: AbortSignal | undefined,
  ms: number | undefined,
): Promise<void> {
  if (signal === undefined && ms === undefined) return previous;
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => finish(() => reject(signal!.reason));
    const finish = (settle: () => void): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms !== undefined)
      timer = setTimeout(() => finish(() => reject(nanomsgError('ETIMEDOUT', 'nn_send'))), ms);
    void previous.then(() => finish(resolve));
  });
}

/**
 * A REP socket (`NN_REP`): receives requests (fair-queued among the
 * connected `Req` sockets) and sends each reply back to the requester. Reply
 * to one request before receiving the next: a `send` before a `recv` fails
 * with `'EFSM'`. The library keeps the return path of the last request
 * received only, so on a cooked `Rep` a `recv`, `tryRecv` or iteration step
 * while another `recv` is pending fails with `'EFSM'` (receiving the next
 * request without replying, one call after another, drops the earlier one,
 * as in nanomsg). `serve(handler)` runs that loop for you; with
 * `concurrent: true` it runs many handlers at once.
 *
 * @example
 * ```ts
 * import { Rep } from '@nanomsg-ts/reqrep';
 * const rep = new Rep();
 * rep.bind('tcp://127.0.0.1:5555');
 * for await (const request of rep) await rep.send(`echo ${request}`);
 * ```
 */
export class Rep extends ExchangeSocket {
  /**
   * Opens a REP socket (`nn_socket(AF_SP, NN_REP)`; `raw: true` for
   * `AF_SP_RAW`). With `concurrent: true` it is opened raw and `serve` runs
   * many handlers at once.
   */
  constructor(options?: RepOptions) {
    super('NN_REP', options);
  }

  /**
   * Answers requests with `handler` (`nn_recv`, the handler, then `nn_send`
   * of its result; `nn_recvmsg`/`nn_sendmsg` with the request's SP header on
   * a concurrent socket) until `opts.signal` aborts or the socket closes, then resolves, once the handlers already running have ended.
   * Each request's reply goes back to the `Req` that sent it.
   *
   * A cooked `Rep` runs one handler at a time (`concurrency` 1); one opened
   * with `concurrent: true` runs up to `concurrency` (default 64) at once,
   * and while that many run it receives nothing more. A handler that throws
   * or rejects, or whose result is not a message, sends no reply (the
   * requester resends) and is reported to `onError` (default: a process
   * warning); serving goes on. While `serve` runs, `send`, `recv` and their
   * variants fail with `'EFSM'`, and so does a second `serve`.
   * @throws (rejects) TypeError, RangeError for bad arguments; `'ETERM'` after `terminate()`
   * @example
   * ```ts
   * const rep = new Rep({ concurrent: true });
   * rep.bind('tcp://127.0.0.1:5555');
   * await rep.serve(async (request) => JSON.stringify(await lookup(String(request))));
   * ```
   */
  serve(handler: RequestHandler, opts?: ServeOptions): Promise<void> {
    return this.serveRequests(handler, opts);
  }
}
