// The sending side of a socket: sends that the library takes at once, and the
// queue of those waiting, in order, until it can.
import { isUtf8 } from 'node:buffer';
import {
  checkOperationOptions,
  copyMessage,
  isBytes,
  isMessage,
  notAMessage,
  type CheckedOperationOptions,
} from './args.js';
import { checkUsable } from './lifecycle.js';
import { Queue } from './queue.js';
import { nnError } from './symbols.js';
import type { Message, OperationOptions, RawMessageInit } from './types.js';
import type { ReceiveHost } from './receive-queue.js';
import { arm, disarm, type Waiter } from './waiters.js';

/** @internal What the send queue uses of its socket: what the receive queue does, and more. */
export interface SendHost extends ReceiveHost {
  /** Set when a send starts a new exchange: called after each message the library took. */
  readonly sent: (() => void) | undefined;
}

interface PendingSend extends Waiter<void> {
  /** The message as the caller gave it (a string), or a copy; undefined while `held`. */
  message: Message | undefined;
  /**
   * The id of the native copy of a byte message (`hold`), handed to the
   * library without a second copy when sent; undefined once sent or freed.
   */
  held: number | undefined;
  /** The SP header for `sendMessage`; undefined for a plain `send`. */
  header: ArrayBufferView | ArrayBuffer | undefined;
}

/** The bytes of a message, as `isUtf8` and `Buffer.concat` take them. */
function bytesOf(m: Message): Uint8Array {
  if (typeof m === 'string') return Buffer.from(m, 'utf8');
  if (m instanceof ArrayBuffer) return new Uint8Array(m);
  return new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
}

/** @internal The send queue of one socket: sends keep their order; a waiting one is copied first. */
export class SendQueue {
  readonly #host: SendHost;
  readonly #waiting = new Queue<PendingSend>();
  readonly #settle = (item: PendingSend): void => {
    disarm(item);
    // A send that will not happen frees its native copy (close frees them all).
    if (item.held !== undefined) {
      this.#host.native.discard(item.held);
      item.held = undefined;
    }
  };
  readonly #left = (): void => this.#host.changed();

  constructor(host: SendHost) {
    this.#host = host;
  }

  /** How many sends wait. */
  get length(): number {
    return this.#waiting.length;
  }

  /** `send`: a plain message (`nn_send`). */
  send(message: Message, opts: OperationOptions | undefined): Promise<void> {
    if (!isMessage(message)) return Promise.reject(notAMessage('message'));
    return this.#send(message, undefined, opts, 'nn_send');
  }

  /** `sendMessage`: a body with its SP header (`nn_sendmsg`), in the same queue. */
  sendMessage(m: RawMessageInit, opts: OperationOptions | undefined): Promise<void> {
    if (m === null || typeof m !== 'object') {
      return Promise.reject(new TypeError('message must be an object { body, header }'));
    }
    const { body, header } = m;
    if (!isMessage(body)) return Promise.reject(notAMessage('body'));
    if (!isBytes(header)) {
      return Promise.reject(
        new TypeError('header must be a Buffer, TypedArray, DataView or ArrayBuffer'),
      );
    }
    // A cooked socket's protocol writes the header itself: libnanomsg 1.1.5
    // aborts the process (REQ, REP, SURVEYOR, RESPONDENT) or fails with EINVAL
    // (BUS) when one is given, so the binding refuses it for every cooked socket.
    if (!this.#host.raw && header.byteLength > 0) {
      return Promise.reject(
        nnError(
          'EINVAL',
          'nn_sendmsg',
          'only a raw socket takes an SP header; a cooked one writes its own',
        ),
      );
    }
    return this.#send(body, header, opts, 'nn_sendmsg');
  }

  /** `trySend`: true when the library took the message now, false when it would block. */
  trySend(message: Message): boolean {
    if (!isMessage(message)) throw notAMessage('message');
    checkUsable(this.#host.state, 'nn_send');
    this.#checkText(message, undefined, 'nn_send');
    // Sends already waiting go first.
    if (this.#waiting.length > 0) return false;
    return this.#sendNow(message, undefined);
  }

  #send(
    message: Message,
    header: ArrayBufferView | ArrayBuffer | undefined,
    opts: OperationOptions | undefined,
    syscall: string,
  ): Promise<void> {
    const host = this.#host;
    let checked: CheckedOperationOptions;
    let timeout: number;
    let held: number | undefined;
    try {
      checked = checkOperationOptions(opts);
      // Like Node.js APIs: an already-aborted signal rejects at once, even
      // when the socket could take the message.
      if (checked.signal?.aborted) return Promise.reject(checked.signal.reason);
      checkUsable(host.state, syscall);
      this.#checkText(message, header, syscall);
      if (this.#waiting.length === 0 && this.#sendNow(message, header)) {
        return host.turns.now(undefined);
      }
      timeout = checked.timeout ?? host.options.sendTimeout();
      if (timeout === 0) throw nnError('ETIMEDOUT', syscall);
      // The caller may change its bytes while the message waits: copy them, for
      // a plain send of bytes straight into a message of the library's own.
      if (header === undefined && typeof message !== 'string' && message.byteLength > 0) {
        held = host.native.hold(message);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const item: PendingSend = {
        resolve,
        reject,
        message: held === undefined ? copyMessage(message) : undefined,
        held,
        header: header === undefined ? undefined : copyMessage(header),
        timer: undefined,
        signal: checked.signal,
        onAbort: undefined,
        syscall,
      };
      arm(item, this.#waiting, timeout, this.#settle, this.#left);
      host.changed();
    });
  }

  /**
   * One attempt at the library: true when it took the message (or, with
   * `held`, the socket's native copy of it).
   */
  #sendNow(
    message: Message | undefined,
    header: ArrayBufferView | ArrayBuffer | undefined,
    held?: number,
  ): boolean {
    const native = this.#host.native;
    const sent =
      held !== undefined
        ? native.sendHeld(held)
        : header === undefined
          ? native.send(message!)
          : native.sendMsg(message!, header);
    if (sent) this.#host.sent?.();
    return sent;
  }

  /**
   * Refuses bytes that are not valid UTF-8 on a socket whose ws frames are
   * text: the peer would drop the frame and the connection, for good. Strings
   * are always valid; a binary socket pays one field read.
   */
  #checkText(
    message: Message,
    header: ArrayBufferView | ArrayBuffer | undefined,
    syscall: string,
  ): void {
    const noHeader = header === undefined || header.byteLength === 0;
    if (typeof message === 'string' && noHeader) return;
    if (!this.#host.options.wsText()) return;
    // The frame carries the SP header, then the body.
    const frame = noHeader ? bytesOf(message) : Buffer.concat([bytesOf(header), bytesOf(message)]);
    if (!isUtf8(frame)) {
      throw nnError('EINVAL', syscall, 'wsMessageType is "text": the message must be valid UTF-8');
    }
  }

  /** Sends what waits, in order, while the library takes it (the socket became writable). */
  flush(): void {
    const waiting = this.#waiting;
    for (let item = waiting.peek(); item !== undefined; item = waiting.peek()) {
      let sent: boolean;
      try {
        sent = this.#sendNow(item.message, item.header, item.held);
        if (sent) item.held = undefined; // the library's now
      } catch (error) {
        waiting.shift();
        this.#settle(item);
        item.reject(error);
        continue;
      }
      if (!sent) return;
      waiting.shift();
      this.#settle(item);
      item.resolve();
    }
  }

  /** Rejects every waiting send (close, terminate) with `reason(syscall)`. */
  failAll(reason: (syscall: string) => unknown): void {
    for (const item of this.#waiting.takeAll()) {
      this.#settle(item);
      item.reject(reason(item.syscall));
    }
  }
}
