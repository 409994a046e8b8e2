// PUSH: messages to PULL servers, each to one of them (round-robin).
import type { Connection } from './connection.js';
import type { Message } from './message.js';
import type { SocketOptions, WaitOptions } from './options.js';
import { SocketBase } from './socket.js';

/** A PUSH socket: `connect` to libnanomsg PULL ws addresses, then `send`. */
export class Push extends SocketBase {
  constructor(options?: SocketOptions) {
    super('pull.sp.nanomsg.org', options);
  }

  /** Sends `message` to one server; waits (up to `timeout`, default `sendTimeout`) while none is connected. */
  async send(message: Message, options?: WaitOptions): Promise<void> {
    await this.sendPlain(message, options, false);
  }

  /** Sends `message` if a connection can take it now; false otherwise. */
  trySend(message: Message): boolean {
    return this.trySendPlain(message, false);
  }

  /** @internal */
  protected override received(_from: Connection, _data: Uint8Array): void {} // PULL sends nothing
}
