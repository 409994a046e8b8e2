// PUB: each message to every connected SUB server, best effort as nanomsg's:
// a publisher never waits; with nobody connected the message goes nowhere.
import type { Connection } from './connection.js';
import type { Message } from './message.js';
import type { SocketOptions } from './options.js';
import { SocketBase } from './socket.js';

/** A PUB socket: `connect` to libnanomsg SUB ws addresses, then `send`. */
export class Pub extends SocketBase {
  constructor(options?: SocketOptions) {
    super('sub.sp.nanomsg.org', options);
  }

  /** Sends `message` to every open connection whose buffer has room; resolves at once. */
  async send(message: Message): Promise<void> {
    await this.sendPlain(message, undefined, true);
  }

  /** As `send`; true when at least one connection took the message. */
  trySend(message: Message): boolean {
    return this.trySendPlain(message, true);
  }

  /** @internal */
  protected override received(_from: Connection, _data: Uint8Array): void {} // SUB sends nothing
}
