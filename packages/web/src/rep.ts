// REP: answers REQ servers' requests (the server is a libnanomsg NN_REQ).
import type { SocketOptions } from './options.js';
import { Responder } from './responder.js';

/** A REP socket: `connect` to libnanomsg REQ ws addresses, then `serve` (or `recv` then `send`). */
export class Rep extends Responder {
  constructor(options?: SocketOptions) {
    super('req.sp.nanomsg.org', options);
  }
}
