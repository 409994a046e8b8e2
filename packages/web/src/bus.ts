// BUS: each message to every connected BUS server, and from any of them;
// best effort like PUB (never waits, nothing connected: goes nowhere).
import type { Message } from './message.js';
import type { SocketOptions } from './options.js';
import { Receiver } from './receiver.js';

/** A BUS socket: `connect` to libnanomsg BUS ws addresses, then `send`, `recv`. */
export class Bus extends Receiver {
  constructor(options?: SocketOptions) {
    super('bus.sp.nanomsg.org', options);
  }

  /** Sends `message` to every open connection whose buffer has room; resolves at once. */
  async send(message: Message): Promise<void> {
    await this.sendPlain(message, undefined, true);
  }

  /** As `send`; true when at least one connection took the message. */
  trySend(message: Message): boolean {
    return this.trySendPlain(message, true);
  }
}
