// One 'abort' listener per AbortSignal, however many operations wait on it.
// Node.js's EventTarget compares each listener added with all those already
// there, so 100,000 operations sharing a signal cost seconds in
// addEventListener alone; here each costs a Set insertion.

const callbacksOf = new WeakMap<AbortSignal, Set<() => void>>();

/** @internal Calls `callback` (once) when `signal` aborts, unless `unwatchAbort` comes first. */
export function watchAbort(signal: AbortSignal, callback: () => void): void {
  let callbacks = callbacksOf.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    callbacksOf.set(signal, set);
    // Kept while the signal lives, even with no callback left: a signal used
    // for one operation after another then costs no listener per operation.
    signal.addEventListener(
      'abort',
      () => {
        callbacksOf.delete(signal);
        for (const cb of set) cb();
        set.clear();
      },
      { once: true },
    );
  }
  callbacks.add(callback);
}

/** @internal Forgets a `callback` given to `watchAbort`. */
export function unwatchAbort(signal: AbortSignal, callback: () => void): void {
  callbacksOf.get(signal)?.delete(callback);
}
