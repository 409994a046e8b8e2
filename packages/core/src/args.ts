// The checks of JavaScript arguments, in one place: a wrong type is a
// TypeError and a value out of range a RangeError, thrown before anything
// reaches the library (the addon trusts what core hands it).
import type { Message, OperationOptions } from './types.js';

/**
 * @internal The largest C int: the bound of nanomsg's integer options and
 * of its millisecond timeouts, which is also the longest delay setTimeout takes.
 */
export const INT_MAX = 2 ** 31 - 1;

/** @internal Throws unless `value` is a string. */
export function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

/** @internal Throws unless `value` is a boolean. */
export function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean`);
  return value;
}

/** @internal Throws unless `value` is an object (undefined is left to the caller). */
export function checkObject(value: unknown, what: string): object {
  if (value === null || typeof value !== 'object') throw new TypeError(`${what} must be an object`);
  return value;
}

/**
 * @internal A timeout in milliseconds: -1 (no limit) or an integer from 0 to
 * INT_MAX, the domain of nanomsg's own timeouts (`NN_SNDTIMEO`, `nn_poll`).
 */
export function checkTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of milliseconds`);
  if (!(value === -1 || (Number.isInteger(value) && value >= 0 && value <= INT_MAX))) {
    throw new RangeError(`${what} must be -1 or an integer from 0 to ${INT_MAX} ms, not ${value}`);
  }
  return value;
}

/** What `checkOperationOptions` gives: each field read once and checked. */
export interface CheckedOperationOptions {
  /** The timeout given, or undefined for the socket's default. */
  readonly timeout: number | undefined;
  /** The signal given, or undefined. */
  readonly signal: AbortSignal | undefined;
}

const NO_OPTIONS: CheckedOperationOptions = Object.freeze({
  timeout: undefined,
  signal: undefined,
});

/**
 * Checks the options of one operation (`timeout`, `signal`) as `send` and
 * `recv` do, and returns them: TypeError or RangeError before anything
 * reaches the library. Each field is read once; use the result, never `opts`
 * again (a getter may answer differently the second time). For protocol
 * packages whose own operations take the same options.
 */
export function checkOperationOptions(opts: OperationOptions | undefined): CheckedOperationOptions {
  if (opts === undefined) return NO_OPTIONS;
  checkObject(opts, 'options');
  const { timeout, signal } = opts;
  if (timeout !== undefined) checkTimeout(timeout, 'timeout');
  checkSignal(signal);
  return timeout === undefined && signal === undefined ? NO_OPTIONS : { timeout, signal };
}

/** @internal Throws unless `signal` is undefined or an AbortSignal. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  return signal;
}

/**
 * A copy of a message whose bytes the caller may change while the binding
 * still needs them (a send that waits, a request that may be resent);
 * strings, immutable, are kept as they are. For protocol packages too.
 */
export function copyMessage<T extends Message>(m: T): T extends string ? string : Buffer;
export function copyMessage(m: Message): Message {
  if (typeof m === 'string') return m;
  if (m instanceof ArrayBuffer) return Buffer.from(new Uint8Array(m));
  return Buffer.from(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
}

/**
 * Checks that `message` is what `send` takes (a string or bytes) and returns
 * it; a TypeError naming `what` otherwise. For protocol packages whose own
 * operations take a message.
 */
export function checkMessage(message: unknown, what: string): Message {
  if (!isMessage(message)) throw notAMessage(what);
  return message;
}

/** @internal True for what `send` takes: a string or bytes. */
export function isMessage(m: unknown): m is Message {
  return typeof m === 'string' || isBytes(m);
}

/** @internal True for bytes: an ArrayBufferView or an ArrayBuffer. */
export function isBytes(m: unknown): m is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(m) || m instanceof ArrayBuffer;
}

/** @internal The TypeError for something that is not a message. */
export function notAMessage(what: string): TypeError {
  return new TypeError(`${what} must be a string, Buffer, TypedArray, DataView or ArrayBuffer`);
}
