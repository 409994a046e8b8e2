// Socket: a nanomsg socket of any protocol, every operation public.
import { SocketBase } from './base.js';
import type { Message, OperationOptions, RawMessage, RawMessageInit } from './types.js';

/**
 * A nanomsg socket of any protocol, with every operation public. The protocol
 * packages (`@nanomsg-ts/pair`, `pubsub`, ...) give typed classes that expose
 * only what their protocol can do.
 *
 * A process may have at most 512 nanomsg sockets open (libnanomsg's limit);
 * the next one fails with `'EMFILE'` ("Too many open files"), and a closed
 * socket's slot is free only once its `close()` has settled.
 *
 * What a protocol needs of the binding is declared by its package
 * (`registerProtocol`). A `Socket` of a protocol whose package was never
 * loaded is served safely, but where the protocol can send, messages are
 * taken from the library one at a time, and concurrent receives are not
 * refused (load the package, e.g. `@nanomsg-ts/reqrep`, for a REP's rule of
 * one exchange at a time).
 *
 * @example
 * ```ts
 * import { Socket } from '@nanomsg-ts/core';
 * const a = new Socket('NN_PAIR'); a.bind('inproc://x');
 * const b = new Socket('NN_PAIR'); b.connect('inproc://x');
 * await a.send('hello');
 * console.log((await b.recv()).toString()); // hello
 * ```
 */
export class Socket extends SocketBase {
  /**
   * Sends a message (`nn_send`). Strings are sent as UTF-8. Resolves once the
   * library accepted the message; while the socket cannot take it the promise
   * waits, without blocking the event loop, and sends keep their order.
   * A message that has to wait is copied first, so the caller may reuse its
   * buffer at once.
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'EFSM'` where the protocol forbids it,
   * `'EINVAL'` for bytes that are not UTF-8 when `wsMessageType` is `'text'`
   */
  send(message: Message, opts?: OperationOptions): Promise<void> {
    return this.doSend(message, opts);
  }

  /**
   * Receives one message (`nn_recv` with `NN_MSG`) as a Buffer. Several
   * pending `recv` calls are served in the order they were made.
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'EFSM'` where the protocol forbids it
   */
  recv(opts?: OperationOptions): Promise<Buffer> {
    return this.doRecv(opts);
  }

  /** Sends now if the socket can take the message (`NN_DONTWAIT`); `false` means it would block. */
  trySend(message: Message): boolean {
    return this.doTrySend(message);
  }

  /**
   * Receives a message that is ready now (`NN_DONTWAIT`); `undefined` means
   * none is, or earlier `recv` calls wait for it.
   * @throws NanomsgError `'EFSM'` while a `recv` is pending on a socket that
   * handles one exchange at a time (a cooked REP or RESPONDENT, as their
   * package declares: see `registerProtocol`)
   */
  tryRecv(): Buffer | undefined {
    return this.doTryRecv();
  }

  /**
   * Receives one message with its SP header (`nn_recvmsg` with control data
   * at level `PROTO_SP`, type `SP_HDR`), for devices written in TypeScript on
   * raw sockets. Waits, orders, times out and cancels like `recv`, in the same
   * queue. On a cooked socket the header is empty: its protocol consumed it
   * (that is what the library's `nn_recvmsg` gives there).
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'ETERM'` after terminate
   * @example
   * ```ts
   * const front = new Socket('NN_REP', { raw: true }); // clients' REQ connect here
   * const back = new Socket('NN_REQ', { raw: true }); // workers' REP connect here
   * for (;;) await back.sendMessage(await front.recvMessage());
   * ```
   */
  recvMessage(opts?: OperationOptions): Promise<RawMessage> {
    return this.doRecvMessage(opts);
  }

  /**
   * Sends a body with its SP header (`nn_sendmsg` with control data), e.g. a
   * reply with the header its request came with. Waits and orders like
   * `send`, in the same queue.
   * @throws (rejects) NanomsgError `'EINVAL'` for a non-empty header on a cooked
   * socket (whose protocol writes its own header; the library would abort or
   * fail), `'ETIMEDOUT'`, `'EBADF'` after close, `'ETERM'` after terminate
   */
  sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void> {
    return this.doSendMessage(message, opts);
  }

  /**
   * Yields every message received, in the queue of `recv`. Waits for each
   * message without limit (`receiveTimeout` applies to `recv`, not here) and
   * completes, without throwing, when the socket is closed; `break` leaves the
   * socket open. Other failures (`'EFSM'` where the protocol forbids a
   * receive, `'ETERM'`) are thrown.
   * @example
   * ```ts
   * for await (const m of sock) console.log(m.toString()); // until sock.close()
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this.doIterate();
  }
}
