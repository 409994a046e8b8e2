import { SocketBase } from './base.js';
import type { Message, OperationOptions, RawMessage, RawMessageInit } from './types.js';

/**
 * A socket whose protocol only sends (`NN_PUB`, `NN_PUSH`): `send` and
 * `trySend`, and no receiving method at all. Protocol packages subclass it.
 */
export abstract class SendingSocket extends SocketBase {
  /**
   * Sends a message (`nn_send`). Strings are sent as UTF-8. Resolves once the
   * library accepted the message; while it cannot, the promise waits without
   * blocking the event loop, and sends keep their order. A message that has
   * to wait is copied first, so the caller may reuse its buffer at once.
   */
  send(message: Message, opts?: OperationOptions): Promise<void> {
    return this.doSend(message, opts);
  }

  /** Sends now if the socket can take the message (`NN_DONTWAIT`); `false` means it would block. */
  trySend(message: Message): boolean {
    return this.doTrySend(message);
  }

  /**
   * Sends a body with its SP header (`nn_sendmsg` with control data), for
   * devices on raw sockets; waits and orders like `send`. See `Socket.sendMessage`.
   */
  sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void> {
    return this.doSendMessage(message, opts);
  }
}

/**
 * A socket whose protocol only receives (`NN_SUB`, `NN_PULL`): `recv`,
 * `tryRecv` and async iteration, and no sending method at all. Protocol
 * packages subclass it.
 */
export abstract class ReceivingSocket extends SocketBase {
  /**
   * Receives one message (`nn_recv` with `NN_MSG`) as a Buffer. Several pending
   * `recv` calls are served in the order they were made.
   */
  recv(opts?: OperationOptions): Promise<Buffer> {
    return this.doRecv(opts);
  }

  /** Receives a message that is ready now (`NN_DONTWAIT`); `undefined` means none is. */
  tryRecv(): Buffer | undefined {
    return this.doTryRecv();
  }

  /**
   * Receives one message with its SP header (`nn_recvmsg` with control data),
   * for devices on raw sockets; waits and orders like `recv`. See `Socket.recvMessage`.
   */
  recvMessage(opts?: OperationOptions): Promise<RawMessage> {
    return this.doRecvMessage(opts);
  }

  /**
   * Yields every message received. Waits for each without limit
   * (`receiveTimeout` applies to `recv`, not here) and completes, without
   * throwing, when the socket is closed. See `Socket[Symbol.asyncIterator]`.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this.doIterate();
  }
}
