// Promises that wait for something (a message, an open connection), each
// with its own timeout and AbortSignal, settled oldest first.
import { NanomsgError } from './errors.js';

interface Entry<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** Callers waiting for values of type `T`. */
export class Waiters<T> {
  readonly #entries = new Set<Entry<T>>();

  get size(): number {
    return this.#entries.size;
  }

  /**
   * A promise settled by `settleFirst`/`settleAll`, or rejected with `'ETIMEDOUT'` after
   * `timeout` ms (-1: never), with the signal's reason on abort, or by `rejectAll`.
   */
  wait(timeout: number, signal: AbortSignal | undefined, syscall: string): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => done(() => reject(signal!.reason));
      const done = (settle: () => void): void => {
        if (!this.#entries.delete(entry)) return;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const entry: Entry<T> = {
        resolve: (value) => done(() => resolve(value)),
        reject: (reason) => done(() => reject(reason)),
      };
      this.#entries.add(entry);
      if (timeout >= 0) {
        timer = setTimeout(() => entry.reject(new NanomsgError('ETIMEDOUT', syscall)), timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives `value` to the oldest waiter; false when nobody waits. */
  settleFirst(value: T): boolean {
    const first = this.#entries.values().next();
    if (first.done) return false;
    first.value.resolve(value);
    return true;
  }

  /** Gives `value` to every waiter. */
  settleAll(value: T): void {
    for (const entry of [...this.#entries]) entry.resolve(value);
  }

  /** Rejects every waiter with `reason`. */
  rejectAll(reason: unknown): void {
    for (const entry of [...this.#entries]) entry.reject(reason);
  }
}
