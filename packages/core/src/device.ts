// device(): nn_device between raw sockets, on a native thread of its own.
import { SocketBase, socketInternals } from './base.js';
import { lib } from './symbols.js';

// Sockets of running devices: a device keeps them (and so their native
// sockets, which the FinalizationRegistry would otherwise close) alive.
const running = new Set<readonly SocketBase[]>();

/**
 * Forwards every message between two raw sockets (`nn_device`), both ways
 * where both can send and receive, else from the one that receives to the one
 * that sends; with one socket (or the same one twice) messages go back into
 * it (a loopback, e.g. a raw BUS hub). It runs on a native thread of its own,
 * never on the event loop or the thread pool.
 *
 * The promise never resolves: like `nn_device`, which always returns an
 * error, it rejects when forwarding ends: `'EBADF'` once either socket is
 * closed (`close()` stops the device before the socket is released),
 * `'ETERM'` after `terminate()`. It rejects at once with `'EINVAL'` when a
 * socket is not raw, the two belong to different protocols, or their
 * directions do not fit (the library's checks), and with `'ENOTSUP'` for a
 * loopback on a socket that cannot both send and receive. While it runs it
 * keeps the process alive, like a pending `recv`, and keeps its sockets from
 * being garbage-collected.
 *
 * @example
 * ```ts
 * const front = new Socket('NN_REP', { raw: true }); front.bind('tcp://127.0.0.1:5555');
 * const back = new Socket('NN_REQ', { raw: true }); back.bind('ipc:///tmp/workers');
 * device(front, back).catch((err) => { if (err.code !== 'EBADF') throw err; });
 * ```
 */
export function device(a: SocketBase, b?: SocketBase): Promise<void> {
  let promise: Promise<void>;
  try {
    if (!(a instanceof SocketBase))
      throw new TypeError('device: the first socket must be a Socket');
    if (b !== undefined && b !== null && !(b instanceof SocketBase)) {
      throw new TypeError('device: the second socket must be a Socket or undefined');
    }
    const other = b ?? undefined;
    promise = lib().native.device(
      socketInternals(a).native,
      other === undefined ? undefined : socketInternals(other).native,
    );
    const held = other === undefined ? [a] : [a, other];
    running.add(held);
    const release = (): void => {
      running.delete(held);
    };
    promise.then(release, release);
  } catch (error) {
    return Promise.reject(error);
  }
  return promise;
}
