// Where a socket is in its life, as its parts (send queue, receive queue)
// see it, and the errors of a socket that can no longer be used.
import { nnError } from './symbols.js';

/** @internal Shared by a socket and its parts; only the socket changes it. */
export interface Lifecycle {
  /** `close()` was called. */
  closed: boolean;
  /** `terminate()` was called (in any thread). */
  terminated: boolean;
}

/** @internal The error of an operation on a closed socket. */
export function badf(syscall: string) {
  return nnError('EBADF', syscall, 'socket closed');
}

/** @internal The error of an operation after `terminate()`. */
export function eterm(syscall: string) {
  return nnError('ETERM', syscall, 'terminate() was called');
}

/** @internal Throws unless the socket may still be used: `'ETERM'` first, then `'EBADF'`. */
export function checkUsable(state: Lifecycle, syscall: string): void {
  if (state.terminated) throw eterm(syscall);
  if (state.closed) throw badf(syscall);
}
