const MARKER = Symbol.for('@nanomsg-ts/core:NanomsgError');

/** What `nn_strerror` leaves unsaid for a few errors, appended to their message. */
function hint(code: string, syscall: string): string {
  // "Too many open files" usually means libnanomsg's own table is full, not
  // the process's descriptors, and closed sockets count until nn_close ran.
  return code === 'EMFILE' && syscall === 'nn_socket'
    ? ' (libnanomsg allows 512 sockets at once, or the process ran out of file descriptors;' +
        " a closed socket's slot is free once its close() has settled)"
    : '';
}

/**
 * An error reported by the nanomsg library (or by the binding on its behalf,
 * e.g. `EBADF` after `close()`, `ETIMEDOUT` when a `timeout` expires).
 *
 * Compare by `code`, never by number: `err.code === 'EAGAIN'`. The check
 * `err instanceof NanomsgError` (or `NanomsgError.isInstance(err)`) holds even
 * when an application ends up with two copies of `@nanomsg-ts/core`.
 *
 * @example
 * ```ts
 * try { sock.bind('tcp://127.0.0.1:5555'); }
 * catch (err) { if (NanomsgError.isInstance(err) && err.code === 'EADDRINUSE') { ... } }
 * ```
 */
export class NanomsgError extends Error {
  /** The symbolic error name, e.g. `'EAGAIN'`, `'ETIMEDOUT'`, `'EFSM'`, `'ETERM'`. */
  readonly code: string;
  /** The loaded library's number for `code` (platform errno, or nanomsg's own for `EFSM`/`ETERM`). */
  readonly errno: number;
  /** The nanomsg function that failed, e.g. `'nn_bind'`. */
  readonly syscall: string;
  /** The address, for `bind`/`connect` failures. */
  readonly address?: string;

  /**
   * @param message - the text, normally `nn_strerror(errno)`
   * @param code - the symbolic name (`'EINVAL'`)
   * @param errno - the library's number for it
   * @param syscall - the `nn_*` function that failed
   * @param address - the endpoint address, for `nn_bind`/`nn_connect`
   * @param options - `cause`, as for `Error`
   */
  constructor(
    message: string,
    code: string,
    errno: number,
    syscall: string,
    address?: string,
    // Not ErrorOptions: that type is ES2022's, and these declarations must
    // compile for consumers whose lib is older.
    options?: { cause?: unknown },
  ) {
    super(
      address === undefined
        ? `${syscall}: ${message}${hint(code, syscall)}`
        : `${syscall} ${address}: ${message}`,
      options,
    );
    this.name = 'NanomsgError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (address !== undefined) this.address = address;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a NanomsgError from any copy of `@nanomsg-ts/core`. */
  static isInstance(value: unknown): value is NanomsgError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true
    );
  }

  /** Makes `instanceof NanomsgError` hold for errors of any copy of `@nanomsg-ts/core`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return NanomsgError.isInstance(value);
  }
}
