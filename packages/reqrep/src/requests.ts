// The requests of a concurrent Req: each has its own id, is resent every
// `resendInterval` until its reply comes, and settles on its own. What
// nanomsg's req.c does for one request at a time, for any number at once.
import {
  Exchange,
  checkMessage,
  checkOperationOptions,
  copyMessage,
  type Exchanges,
  type Message,
  type OperationOptions,
  type RawMessageInit,
} from '@nanomsg-ts/core';

/** What the requests use of their socket. */
export interface RequestIo {
  readonly exchanges: Exchanges<PendingRequest>;
  sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void>;
  resendInterval(): number;
  receiveTimeout(): number;
}

/** One request in flight. */
class PendingRequest extends Exchange {
  /** When its last copy went to the library; -1 while a copy waits to go. */
  sentAt = -1;
  /** Copies handed to the library so far. */
  sends = 0;

  constructor(
    readonly body: Message,
    /** When the whole request times out (ms since the epoch), if a timeout was given. */
    readonly deadline: number | undefined,
    readonly callerSignal: AbortSignal | undefined,
    readonly resolve: (reply: Buffer) => void,
    readonly reject: (error: unknown) => void,
    readonly owner: Requests,
  ) {
    super();
  }

  answer(body: Buffer): void {
    if (this.owner.io.exchanges.end(this)) this.resolve(body);
  }

  fail(error: unknown): void {
    this.reject(error);
  }
}

export type { PendingRequest };

/** The requests of one concurrent Req, and their one resend timer. */
export class Requests {
  readonly io: RequestIo;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #fire = (): void => this.#resendDue();

  constructor(io: RequestIo) {
    this.io = io;
  }

  /** `Req.request` on a concurrent socket. */
  request(message: Message, opts: OperationOptions | undefined): Promise<Buffer> {
    let body: Message;
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      // The caller may change its bytes before a resend.
      body = copyMessage(checkMessage(message, 'message'));
      ({ timeout, signal } = checkOperationOptions(opts));
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { exchanges } = this.io;
    return new Promise<Buffer>((resolve, reject) => {
      const deadline = timeout === undefined || timeout === -1 ? undefined : Date.now() + timeout;
      const request = new PendingRequest(body, deadline, signal, resolve, reject, this);
      try {
        exchanges.open(request, signal, 'nn_send');
      } catch (error) {
        reject(error);
        return;
      }
      if (deadline !== undefined) exchanges.arm(request, timeout!, 'nn_recv');
      this.#send(request);
    });
  }

  /** Hands a copy of `request` to the library (waiting in the send queue while it cannot take it). */
  #send(request: PendingRequest): void {
    request.sentAt = -1;
    const { deadline, callerSignal } = request;
    const opts =
      deadline === undefined && callerSignal === undefined
        ? undefined
        : {
            signal: callerSignal,
            timeout: deadline === undefined ? undefined : Math.max(0, deadline - Date.now()),
          };
    this.io.sendMessage({ header: request.header, body: request.body }, opts).then(
      () => this.#sent(request),
      (error: unknown) => {
        // Close, terminate, timeout and abort end the request themselves.
        if (this.io.exchanges.end(request)) request.fail(error);
      },
    );
  }

  #sent(request: PendingRequest): void {
    const { exchanges } = this.io;
    if (!exchanges.has(request)) return;
    request.sentAt = Date.now();
    if (request.sends++ === 0) {
      // Like a cooked Req's recv: without a timeout for the whole request,
      // the reply is awaited for receiveTimeout after the request went out.
      if (request.deadline === undefined) {
        const wait = this.io.receiveTimeout();
        if (wait !== -1) exchanges.arm(request, wait, 'nn_recv');
      }
    } else {
      // Resent: last in the resend order. A first send is not moved: sends
      // leave in the order requests were made, so it already stands after
      // every earlier first send (a resend that went out meanwhile can be
      // late by that difference).
      exchanges.touch(request);
    }
    if (this.#timer === undefined) this.#schedule();
  }

  /** The resend interval changed: the timer follows. */
  reschedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule();
  }

  /** Arms the timer for the first request due for a resend, if any. */
  #schedule(): void {
    for (const request of this.io.exchanges.values()) {
      if (request.sentAt === -1) continue;
      const wait = Math.max(0, request.sentAt + this.io.resendInterval() - Date.now());
      // Unreferenced: pending requests keep the process alive by waiting for their replies.
      this.#timer = setTimeout(this.#fire, wait).unref();
      return;
    }
  }

  /** Resends every request whose reply is overdue. */
  #resendDue(): void {
    this.#timer = undefined;
    // Nothing open: nothing to resend. Also the case once the socket closed
    // (its requests all failed), whose resendInterval can no longer be read.
    if (this.io.exchanges.size === 0) return;
    const now = Date.now();
    const interval = this.io.resendInterval();
    const due: PendingRequest[] = [];
    for (const request of this.io.exchanges.values()) {
      if (request.sentAt === -1) continue;
      if (request.sentAt + interval > now) break;
      due.push(request);
    }
    for (const request of due) this.#send(request);
    this.#schedule();
  }
}
