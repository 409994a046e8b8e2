// PAIR: one peer, both ways (the server is a libnanomsg NN_PAIR).
import type { Message } from './message.js';
import type { SocketOptions, WaitOptions } from './options.js';
import { Receiver } from './receiver.js';

/** A PAIR socket: `connect` to a libnanomsg PAIR's ws address, then `send` and `recv`. */
export class Pair extends Receiver {
  constructor(options?: SocketOptions) {
    super('pair.sp.nanomsg.org', options);
  }

  /** Sends `message`; waits (up to `timeout`, default `sendTimeout`) while not connected. */
  async send(message: Message, options?: WaitOptions): Promise<void> {
    await this.sendPlain(message, options, false);
  }

  /** Sends `message` if a connection can take it now; false otherwise. */
  trySend(message: Message): boolean {
    return this.trySendPlain(message, false);
  }
}
