// Operations waiting in a socket's queue, and what takes them out early: their
// timeout and their AbortSignal.
import { unwatchAbort, watchAbort } from './abort.js';
import { Queue } from './queue.js';
import { nnError } from './symbols.js';

/** @internal A caller waiting for a send or a receive. */
export interface Waiter<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The name of the library call it stands for, for errors. */
  syscall: string;
}

/** A waiter of any kind (its `resolve` is a method: one taking anything fits). */
type AnyWaiter = Waiter<never>;

/**
 * @internal Queues `waiter` and arms its timeout (ms, -1 none) and signal,
 * which take it out of `queue` again: then `settle(waiter)` runs, the waiter
 * is rejected (`'ETIMEDOUT'` or the signal's reason), and `left()` tells the
 * socket that who waits changed.
 */
export function arm<W extends AnyWaiter>(
  waiter: W,
  queue: Queue<W>,
  timeout: number,
  settle: (waiter: W) => void,
  left: () => void,
): void {
  const entry = queue.push(waiter);
  if (timeout > 0) {
    waiter.timer = setTimeout(() => {
      if (queue.remove(entry)) {
        settle(waiter);
        expire(waiter);
        left();
      }
    }, timeout);
  }
  const signal = waiter.signal;
  if (signal !== undefined) {
    waiter.onAbort = () => {
      if (queue.remove(entry)) {
        settle(waiter);
        waiter.reject(signal.reason);
        left();
      }
    };
    watchAbort(signal, waiter.onAbort);
  }
}

/** @internal Stops a waiter's timer and forgets its signal: it leaves its queue for another reason. */
export function disarm(waiter: AnyWaiter): void {
  if (waiter.timer !== undefined) clearTimeout(waiter.timer);
  if (waiter.onAbort !== undefined) unwatchAbort(waiter.signal!, waiter.onAbort);
}

/**
 * Most timeouts rejected in one event-loop turn. Each rejection builds an
 * error, stack trace included (microseconds each): when many operations time
 * out at once (100,000 sends with one timeout), the ones beyond this wait in
 * `overdue` and are rejected a batch per turn, so the loop is never held long.
 * They left their socket's queue when their time came; only the rejection waits.
 */
const EXPIRE_BATCH = 1024;
let expireBudget = EXPIRE_BATCH;
let expireTurnScheduled = false;
const overdue = /* @__PURE__ */ new Queue<AnyWaiter>();

/** Rejects `waiter` with `'ETIMEDOUT'`, now or, past this turn's budget, on a later turn. */
function expire(waiter: AnyWaiter): void {
  if (!expireTurnScheduled) {
    expireTurnScheduled = true;
    setImmediate(nextExpireTurn);
  }
  if (overdue.length === 0 && expireBudget > 0) {
    expireBudget--;
    waiter.reject(nnError('ETIMEDOUT', waiter.syscall));
  } else {
    overdue.push(waiter);
  }
}

function nextExpireTurn(): void {
  expireTurnScheduled = false;
  expireBudget = EXPIRE_BATCH;
  for (let w = overdue.shift(); w !== undefined; w = overdue.shift()) {
    w.reject(nnError('ETIMEDOUT', w.syscall));
    if (--expireBudget === 0) break;
  }
  if (overdue.length > 0 || expireBudget < EXPIRE_BATCH) {
    expireTurnScheduled = true;
    setImmediate(nextExpireTurn);
  }
}
