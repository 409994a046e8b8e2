// Waiting, and looking at how promises and calls ended.

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 5 ms until it holds; rejects after `within` ms. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  within = 10_000,
): Promise<void> {
  const end = Date.now() + within;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${within} ms waiting for ${what}`);
    await sleep(5);
  }
}

interface HasStatistics {
  statistics(): Record<string, number>;
}

/** Waits until `socket` has at least `n` live connections (nn_get_statistic NN_STAT_CURRENT_CONNECTIONS). */
export async function connections(socket: HasStatistics, n: number, within = 5000): Promise<void> {
  const end = Date.now() + within;
  while (socket.statistics().currentConnections! < n) {
    if (Date.now() > end) throw new Error(`fewer than ${n} connections after ${within} ms`);
    await sleep(5);
  }
}

/** Repeats `send` until `received()` holds (connections come up in the background). */
export async function untilDelivered(
  send: () => Promise<unknown>,
  received: () => boolean,
  { every = 20, within = 5000 } = {},
): Promise<void> {
  const end = Date.now() + within;
  while (!received()) {
    if (Date.now() > end) throw new Error(`nothing delivered within ${within} ms`);
    await send();
    await sleep(every);
  }
}

/** Resolves with the outcome of `promise`, or `'pending'` if it has not settled within `ms`. */
export async function settledWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown } | 'pending'> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    sleep(ms).then(() => 'pending' as const),
  ]);
}

/** How a promise stands right now, after pending callbacks ran: 'pending', 'resolved' or 'rejected'. */
export async function state(
  promise: Promise<unknown>,
): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (s = 'resolved'),
    () => (s = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return s;
}

/** The settled outcome of a promise, for asserting on rejections by value. */
export async function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** What a rejection is checked for: an error's `code`, `syscall`, `name` and `message`, where it has them. */
export interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  name?: unknown;
  message?: unknown;
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<ErrorLike> {
  const result = await outcome(promise);
  if ('value' in result) throw new Error(`expected a rejection, got ${String(result.value)}`);
  return result.error as ErrorLike;
}

/** The error a function throws; fails if it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

/** The `code` of an error-like value. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
