// PULL: messages from PUSH servers, in the order they arrive from all of them.
import type { SocketOptions } from './options.js';
import { Receiver } from './receiver.js';

/** A PULL socket: `connect` to libnanomsg PUSH ws addresses, then `recv` or `for await`. */
export class Pull extends Receiver {
  constructor(options?: SocketOptions) {
    super('push.sp.nanomsg.org', options);
  }
}
