// One 'abort' listener per AbortSignal, however many operations wait on it.
// Node.js's EventTarget compares each listener added with all those already
// there, so 100,000 operations sharing a signal cost seconds in
// addEventListener alone; here each costs a Set insertion.

interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/** @internal Calls `callback` (once) when `signal` aborts, unless `unwatchAbort` comes first. */
export function watchAbort(signal: AbortSignal, callback: () => void): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      watches.delete(signal);
      for (const cb of callbacks) cb();
      callbacks.clear();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  watch.callbacks.add(callback);
}

/** @internal Forgets a `callback` given to `watchAbort`. */
export function unwatchAbort(signal: AbortSignal, callback: () => void): void {
  const watch = watches.get(signal);
  if (watch === undefined || !watch.callbacks.delete(callback)) return;
  // With the last one gone no listener stays: Node.js keeps a signal that
  // has 'abort' listeners, e.g. an AbortSignal.timeout(), alive until it fires.
  if (watch.callbacks.size === 0) {
    watches.delete(signal);
    signal.removeEventListener('abort', watch.listener);
  }
}
