// RESPONDENT: answers SURVEYOR servers' surveys (the server is a libnanomsg NN_SURVEYOR).
import type { SocketOptions } from './options.js';
import { Responder } from './responder.js';

/** A RESPONDENT socket: `connect` to libnanomsg SURVEYOR ws addresses, then `serve` (or `recv` then `send`). */
export class Respondent extends Responder {
  constructor(options?: SocketOptions) {
    super('surveyor.sp.nanomsg.org', options);
  }
}
