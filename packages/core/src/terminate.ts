// terminate(): nn_term for the whole process.
import { lib } from './symbols.js';

/**
 * Shuts the library down (`nn_term`) for the whole process, for good: every
 * pending operation of every socket (in this and any other worker thread)
 * rejects with `'ETERM'`, every device stops with `'ETERM'`, and every later
 * call fails with `'ETERM'`, including `new Socket()`. `close()` still works
 * (and is harmless). Nothing blocks the event loop: the watchers and devices
 * stop at once, and `nn_term` itself (which closes every socket) runs on a
 * background thread, so a process whose only activity was nanomsg can exit.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => terminate());
 * ```
 */
export function terminate(): void {
  lib().native.terminate();
}
