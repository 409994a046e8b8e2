// Errors of @nanomsg-ts/web: the symbolic codes the Node.js packages report
// (`err.code`), defined here since a browser has no library to ask. The
// numbers are not part of it: code compares `err.code`, never a number.

/** The codes this package reports. */
export type ErrorCode =
  'EBADF' | 'ECONNRESET' | 'EFSM' | 'EINVAL' | 'EPROTONOSUPPORT' | 'ETIMEDOUT';

const descriptions: Record<ErrorCode, string> = {
  EBADF: 'Bad file descriptor',
  ECONNRESET: 'Connection reset by peer',
  EFSM: 'Operation cannot be performed in this state',
  EINVAL: 'Invalid argument',
  EPROTONOSUPPORT: 'Protocol not supported',
  ETIMEDOUT: 'Connection timed out',
};

/** Marks errors of any copy of this package (a page may bundle two). */
const MARKER = Symbol.for('@nanomsg-ts/web:NanomsgError');

/**
 * An error of a nanomsg operation: `code` is nanomsg's symbolic code, `syscall` the operation.
 * Compare `err.code`, never a number.
 */
export class NanomsgError extends Error {
  /** nanomsg's symbolic name of the error, e.g. `'ETIMEDOUT'`. */
  readonly code: ErrorCode;
  /** The nanomsg call it stands for, e.g. `'nn_recv'`. */
  readonly syscall: string;
  /** The address, on `connect` failures. */
  readonly address?: string;

  constructor(code: ErrorCode, syscall: string, detail?: string, address?: string) {
    super(`${syscall}: ${detail ?? descriptions[code]}`);
    this.name = 'NanomsgError';
    this.code = code;
    this.syscall = syscall;
    if (address !== undefined) this.address = address;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a NanomsgError of any copy of `@nanomsg-ts/web`. */
  static isInstance(value: unknown): value is NanomsgError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true
    );
  }
}
