// poll(): nn_poll over the sockets' readiness watchers, never blocking the loop.
import { checkBoolean, checkObject, checkTimeout } from './args.js';
import { SocketBase, socketInternals, type SocketInternals } from './base.js';
import { readyBits, type Poller } from './watch.js';

/** One socket to watch in `poll`: `in` = a message can be received, `out` = one can be sent. */
export interface PollEntry {
  /** The socket to check (`nn_pollfd.fd`). */
  socket: SocketBase;
  /** Ask whether a message can be received (`NN_POLLIN`). */
  in?: boolean;
  /** Ask whether a message can be sent (`NN_POLLOUT`). */
  out?: boolean;
}

/** What `poll` found for one entry (only the requested directions can be true). */
export interface PollResult {
  /** A message can be received now (`NN_POLLIN` in `nn_pollfd.revents`). */
  in: boolean;
  /** A message can be sent now (`NN_POLLOUT` in `nn_pollfd.revents`). */
  out: boolean;
}

interface Watched {
  readonly internals: SocketInternals;
  readonly events: number;
}

/**
 * Waits until at least one entry is ready (`nn_poll`): `in` when `recv` would
 * not wait (a message is queued, in the library or already taken by the
 * binding), `out` when `send` would not wait. Resolves with one result per
 * entry, all `false` when `timeout` (ms) passes first; `0` only checks now,
 * `-1` or `undefined` waits without limit. Nothing blocks the event loop: the
 * wait uses the sockets' own descriptor watchers.
 *
 * As with `nn_poll`, asking `in` of a socket that cannot receive (or `out` of
 * one that cannot send) rejects with `'ENOPROTOOPT'`; a socket closed before
 * or during the wait rejects with `'EBADF'`, and `terminate()` with `'ETERM'`.
 *
 * @example
 * ```ts
 * const [a, b] = await poll([{ socket: pull1, in: true }, { socket: pull2, in: true }], 1000);
 * if (a.in) console.log(pull1.tryRecv());
 * ```
 */
export function poll(entries: readonly PollEntry[], timeout?: number): Promise<PollResult[]> {
  let watched: Watched[];
  let first: PollResult[] | undefined;
  try {
    if (!Array.isArray(entries)) throw new TypeError('poll: entries must be an array');
    if (timeout !== undefined) checkTimeout(timeout, 'poll: timeout');
    const { readable, writable } = readyBits();
    watched = entries.map((entry, i) => {
      checkObject(entry, `poll: entries[${i}]`);
      const { socket, in: wantIn, out: wantOut } = entry;
      if (!(socket instanceof SocketBase))
        throw new TypeError(`poll: entries[${i}].socket must be a Socket`);
      if (wantIn !== undefined) checkBoolean(wantIn, `poll: entries[${i}].in`);
      if (wantOut !== undefined) checkBoolean(wantOut, `poll: entries[${i}].out`);
      return {
        internals: socketInternals(socket),
        events: (wantIn ? readable : 0) | (wantOut ? writable : 0),
      };
    });
    first = check(watched);
    if (first !== undefined || timeout === 0)
      return Promise.resolve(first ?? results(watched, undefined));
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<PollResult[]>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pollers: [SocketInternals, Poller][] = [];
    const finish = (): void => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const [internals, poller] of pollers) internals.removePoller(poller);
    };
    const wake = (): void => {
      if (done) return;
      let ready: PollResult[] | undefined;
      try {
        ready = check(watched);
      } catch (error) {
        finish();
        reject(error);
        return;
      }
      if (ready !== undefined) {
        finish();
        resolve(ready);
      }
    };
    try {
      for (const { internals, events } of watched) {
        if (events === 0) continue;
        const poller: Poller = { events, wake };
        internals.addPoller(poller);
        pollers.push([internals, poller]);
      }
    } catch (error) {
      finish();
      reject(error);
      return;
    }
    if (timeout !== undefined && timeout > 0) {
      timer = setTimeout(() => {
        if (done) return;
        finish();
        try {
          resolve(check(watched) ?? results(watched, undefined));
        } catch (error) {
          reject(error);
        }
      }, timeout);
    }
  });
}

/** The results if any entry is ready now, else undefined. */
function check(watched: readonly Watched[]): PollResult[] | undefined {
  const ready = watched.map(({ internals, events }) =>
    events === 0 ? 0 : internals.readiness(events),
  );
  return ready.some((r) => r !== 0) ? results(watched, ready) : undefined;
}

function results(watched: readonly Watched[], ready: readonly number[] | undefined): PollResult[] {
  const { readable, writable } = readyBits();
  return watched.map((_w, i) => {
    const r = ready?.[i] ?? 0;
    return { in: (r & readable) !== 0, out: (r & writable) !== 0 };
  });
}
