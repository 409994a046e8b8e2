// When an operation that completed at once settles: at once, except once in a
// long run of them, when it settles on the event loop's next turn.

/** Immediate completions in a row after which one socket gives the event loop a turn. */
const RUN = 1024;

const RESOLVED: Promise<void> = /* @__PURE__ */ Promise.resolve();

/**
 * @internal The next-turn scheduler of one socket. A loop of operations that
 * complete at once (the library ready every time, as between two sockets of
 * one process over inproc) would never give the event loop a turn, starving
 * timers and I/O. So every RUN-th immediate completion in a row settles on
 * the next turn instead, and so does every later one until that turn comes
 * (keeping their order). The run starts over when the event loop had a turn
 * anyway: the socket waited and its watcher fired (`reset`).
 */
export class Turns {
  #run = 0;
  /** Settlements held for the event loop's next turn, in order. */
  #later: (() => void)[] | undefined;

  /** A promise of `value` for an operation that completed at once. */
  now<T>(value: T): Promise<T> {
    if (this.#later === undefined) {
      if (++this.#run < RUN) {
        return value === undefined ? (RESOLVED as Promise<T>) : Promise.resolve(value);
      }
      this.#run = 0;
      const later: (() => void)[] = [];
      this.#later = later;
      setImmediate(() => {
        this.#later = undefined;
        for (const settle of later) settle();
      });
    }
    const later = this.#later;
    return new Promise<T>((resolve) => later.push(() => resolve(value)));
  }

  /** The event loop had a turn (the socket's watcher fired): a new run starts. */
  reset(): void {
    this.#run = 0;
  }
}
