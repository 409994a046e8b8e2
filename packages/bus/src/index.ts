import { registerProtocol, Socket, type SocketOptions } from '@nanomsg-ts/core';

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

// What core needs to know of NN_BUS (see registerProtocol): its messages
// may be taken from the library ahead of the caller.
registerProtocol('NN_BUS', { receive: 'ahead' });

/**
 * A BUS socket (`NN_BUS`): every message sent goes to every directly
 * connected peer; a node never receives its own messages. Messages are not
 * forwarded further: connect the nodes in a full mesh, or put a device in
 * the middle.
 *
 * @example
 * ```ts
 * import { Bus } from '@nanomsg-ts/bus';
 * const a = new Bus(); a.bind('tcp://127.0.0.1:5560');
 * const b = new Bus(); b.connect('tcp://127.0.0.1:5560');
 * await a.send('to everyone');
 * console.log(String(await b.recv())); // to everyone
 * ```
 */
export class Bus extends Socket {
  /** Opens a BUS socket (`nn_socket(AF_SP, NN_BUS)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_BUS', options);
  }
}
