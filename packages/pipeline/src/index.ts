import {
  registerProtocol,
  ReceivingSocket,
  SendingSocket,
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

// What core needs to know of NN_PUSH and NN_PULL (see registerProtocol):
// messages may be taken from the library ahead of the caller.
registerProtocol('NN_PUSH', { receive: 'ahead' });
registerProtocol('NN_PULL', { receive: 'ahead' });

/**
 * A PUSH socket (`NN_PUSH`): sends messages to the connected `Pull` sockets,
 * each message to one of them, load-balanced (round robin among the peers of
 * the best `sendPriority`). It cannot receive. With no peer, `send` waits.
 *
 * @example
 * ```ts
 * import { Push } from '@nanomsg-ts/pipeline';
 * const push = new Push();
 * push.bind('tcp://127.0.0.1:5557');
 * await push.send('job 1');
 * ```
 */
export class Push extends SendingSocket {
  /** Opens a PUSH socket (`nn_socket(AF_SP, NN_PUSH)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_PUSH', options);
  }
}

/**
 * A PULL socket (`NN_PULL`): receives the messages of the connected `Push`
 * sockets, fair-queued among them. It cannot send.
 *
 * @example
 * ```ts
 * import { Pull } from '@nanomsg-ts/pipeline';
 * const pull = new Pull();
 * pull.connect('tcp://127.0.0.1:5557');
 * for await (const job of pull) console.log(String(job));
 * ```
 */
export class Pull extends ReceivingSocket {
  /** Opens a PULL socket (`nn_socket(AF_SP, NN_PULL)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_PULL', options);
  }
}
