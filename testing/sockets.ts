// Socket bookkeeping for test files: every socket a test makes is closed after
// it, so a failing test cannot leak sockets (or peer processes) into the next.
// Imported by relative path; not a published package.
import { afterEach } from 'vitest';
import { track, type Closable } from './helpers.js';

/**
 * Registers an `afterEach` in the calling test file and returns `track`:
 * `track(socket)` returns the socket and closes it after the test. The
 * `first` cleanups run before the sockets close, in order (e.g. ending peer
 * processes, see `useInterop` in ./nanocat.ts).
 */
export function useTracked(
  ...first: Array<() => Promise<void>>
): <T extends Closable>(socket: T) => T {
  const sockets = track();
  afterEach(async () => {
    for (const cleanup of first) await cleanup();
    await sockets.closeAll();
  });
  return (socket) => sockets.add(socket);
}
