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

// What core needs to know of NN_PAIR (see registerProtocol): its messages
// may be taken from the library ahead of the caller.
registerProtocol('NN_PAIR', { receive: 'ahead' });

/**
 * A PAIR socket (`NN_PAIR`): one-to-one, both directions. It talks to exactly
 * one peer at a time; further connections wait until that peer goes away.
 *
 * Over `inproc://` the library cannot turn a further connection away (1.1.5
 * crashes the process), so there `bind`/`connect` throw `NanomsgError`
 * `'EISCONN'` where an inproc connection would be one too many: a second
 * PAIR connecting to the same inproc address, a PAIR connecting to itself,
 * or a connection to a PAIR that is connected already or also has a tcp,
 * ipc or ws endpoint. A connector may come again once the previous one
 * closed or shut its endpoint down.
 *
 * @example
 * ```ts
 * import { Pair } from '@nanomsg-ts/pair';
 * await using a = new Pair();
 * await using b = new Pair();
 * a.bind('ipc:///tmp/pair.ipc');
 * b.connect('ipc:///tmp/pair.ipc');
 * await b.send('ping');
 * console.log(String(await a.recv())); // ping
 * ```
 */
export class Pair extends Socket {
  /** Opens a PAIR socket (`nn_socket(AF_SP, NN_PAIR)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_PAIR', options);
  }
}
