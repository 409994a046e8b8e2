// Received messages waiting for `recv`, bounded in bytes like NN_RCVBUF. A
// WebSocket cannot make its server wait (no back-pressure in the standard
// API), so what arrives while the queue is full is dropped, and counted.
import { NanomsgError } from './errors.js';
import { Waiters } from './waiters.js';

/** A queue of received items of type `T`, each of a size in bytes. */
export class ReceiveQueue<T> {
  readonly #items: T[] = [];
  readonly #sizes: number[] = [];
  readonly #waiters = new Waiters<T>();
  readonly #limit: number;
  #bytes = 0;
  #closedWith: unknown;
  /** Items refused since the queue was made. */
  dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Hands `item` to the oldest waiting `take`, or queues it; false (dropped) when full. */
  push(item: T, size: number): boolean {
    if (this.#closedWith !== undefined) return false;
    if (this.#waiters.settleFirst(item)) return true;
    if (this.#bytes >= this.#limit && this.#items.length > 0) {
      this.dropped++;
      return false;
    }
    this.#items.push(item);
    this.#sizes.push(size);
    this.#bytes += size;
    return true;
  }

  /** The oldest item, or undefined. */
  tryTake(): T | undefined {
    if (this.#items.length === 0) return undefined;
    this.#bytes -= this.#sizes.shift()!;
    return this.#items.shift();
  }

  /** The oldest item, waiting for one (see `Waiters.wait`). */
  take(timeout: number, signal: AbortSignal | undefined, syscall: string): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.tryTake();
    if (item !== undefined) return Promise.resolve(item);
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    return this.#waiters.wait(timeout, signal, syscall);
  }

  /**
   * Takes no more items and rejects every waiting `take` with `reason`, and
   * every later one once the queue is empty; `keep`: what is queued can still
   * be taken (a survey's answers after its deadline), else it is dropped.
   */
  close(reason: unknown, keep = false): void {
    this.#closedWith = reason;
    if (!keep) {
      this.#items.length = 0;
      this.#sizes.length = 0;
      this.#bytes = 0;
    }
    this.#waiters.rejectAll(reason);
  }
}

/** Every item `take` gives, until the socket closes (`'EBADF'` ends the iteration, not an error). */
export async function* iterate<T>(take: () => Promise<T>): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await take();
    } catch (error) {
      if (error instanceof NanomsgError && error.code === 'EBADF') return;
      throw error;
    }
    yield item;
  }
}
