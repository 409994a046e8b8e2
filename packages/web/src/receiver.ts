// A socket that receives whole messages into a bounded queue (PAIR, PULL,
// SUB, BUS): `recv`, `tryRecv` and `for await`. A protocol may refuse a
// message (SUB's filter) by overriding `accepts`.
import type { Connection } from './connection.js';
import type { NanomsgError } from './errors.js';
import type { SocketOptions, WaitOptions } from './options.js';
import { timeoutOf } from './options.js';
import { iterate, ReceiveQueue } from './receive-queue.js';
import { SocketBase } from './socket.js';

/** The base of the sockets that receive messages without an SP header. */
export abstract class Receiver extends SocketBase {
  readonly #inbox: ReceiveQueue<Uint8Array>;

  protected constructor(subprotocol: string, options?: SocketOptions) {
    super(subprotocol, options);
    this.#inbox = new ReceiveQueue(this.options.receiveBufferSize);
  }

  /** The next message; waits up to `timeout` (default `receiveTimeout`), then `'ETIMEDOUT'`. */
  recv(options?: WaitOptions): Promise<Uint8Array> {
    const timeout = timeoutOf(options, this.options.receiveTimeout);
    return this.#inbox.take(timeout, options?.signal, 'nn_recv');
  }

  /** The next message if one is there (never waits). */
  tryRecv(): Uint8Array | undefined {
    this.checkOpen('nn_recv');
    return this.#inbox.tryTake();
  }

  /** Every message, each waited for without a limit; ends when the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return iterate(() => this.#inbox.take(-1, undefined, 'nn_recv'));
  }

  /** @internal Whether a message is for the caller (SUB's subscriptions); all are by default. */
  protected accepts(_data: Uint8Array): boolean {
    return true;
  }

  /** @internal */
  protected override received(_from: Connection, data: Uint8Array): void {
    if (this.accepts(data) && !this.#inbox.push(data, data.byteLength)) this.countDropped();
  }

  /** @internal */
  protected override closing(reason: NanomsgError): void {
    this.#inbox.close(reason);
  }
}
