import {
  Socket,
  checkOperationOptions,
  defineOptionProperties,
  nanomsgError,
  registerProtocol,
  type CheckedOperationOptions,
  type Message,
  type OperationOptions,
  type SocketOptions,
} from '@nanomsg-ts/core';

export { NanomsgError } from '@nanomsg-ts/core';
export type {
  Endpoint,
  Message,
  OperationOptions,
  RawMessage,
  RawMessageInit,
  SocketOptionProperties,
  SocketOptions,
} from '@nanomsg-ts/core';

/** The option properties of a `Req`, beyond those of every socket. */
export interface ReqOptionProperties {
  /**
   * `NN_REQ_RESEND_IVL` at level `NN_REQ` (ms, default 60000): resend a
   * request that got no reply within this time.
   */
  resendInterval: number;
}

/** Options of the `Req` constructor. */
export interface ReqOptions extends SocketOptions, Partial<ReqOptionProperties> {}

// What core needs to know of NN_REQ and NN_REP (see registerProtocol): a new
// request cancels the previous one, whose reply the library then drops; a
// REP keeps the return path of the last request received only.
registerProtocol('NN_REQ', { receive: 'ahead', sendStartsExchange: true });
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
 * Prefer `request()`, which pairs each request with its own reply.
 *
 * @example
 * ```ts
 * import { Req } from '@nanomsg-ts/reqrep';
 * const req = new Req();
 * req.connect('tcp://127.0.0.1:5555');
 * const reply = await req.request('what time is it?', { timeout: 1000 });
 * ```
 */
export class Req extends Socket {
  #turn: Promise<void> = Promise.resolve();

  /** Opens a REQ socket (`nn_socket(AF_SP, NN_REQ)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: ReqOptions) {
    super('NN_REQ', options);
  }

  static {
    defineOptionProperties<ReqOptionProperties>(this, {
      resendInterval: { option: 'NN_REQ_RESEND_IVL', type: 'number' },
    });
  }

  /**
   * Sends `message` and resolves with its reply (`nn_send` then `nn_recv`).
   *
   * Several `request()` calls at once are queued and run one after another,
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
 * as in nanomsg).
 *
 * @example
 * ```ts
 * import { Rep } from '@nanomsg-ts/reqrep';
 * const rep = new Rep();
 * rep.bind('tcp://127.0.0.1:5555');
 * for await (const request of rep) await rep.send(`echo ${request}`);
 * ```
 */
export class Rep extends Socket {
  /** Opens a REP socket (`nn_socket(AF_SP, NN_REP)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_REP', options);
  }
}
