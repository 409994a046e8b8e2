// A socket's options: nanomsg's names and defaults where nanomsg has the
// option (NN_RECONNECT_IVL, NN_RCVBUF, ...), checked once, at construction.

/** `new Sub(options)` and every other socket: all optional. */
export interface SocketOptions {
  /** Milliseconds before dialling again after a connection fails or goes (default 100). */
  reconnectInterval?: number;
  /** Longest wait between dials, doubling from `reconnectInterval`; 0: no doubling (default 0). */
  reconnectIntervalMax?: number;
  /** Milliseconds a WebSocket handshake may take before the attempt counts as failed (default 5000). */
  handshakeTimeout?: number;
  /** Default `timeout` of `send`, milliseconds; -1: no limit (default -1). */
  sendTimeout?: number;
  /** Default `timeout` of `recv`, milliseconds; -1: no limit (default -1). */
  receiveTimeout?: number;
  /**
   * Bytes of received messages kept for `recv` (default 128 KiB, as NN_RCVBUF). A WebSocket
   * cannot make its server wait, so a message that arrives while this is full is dropped and
   * counted in `statistics().messagesDropped`.
   */
  receiveBufferSize?: number;
  /** Largest message accepted; a larger one drops the connection, as nanomsg does (default 1 MiB; -1: no limit). */
  receiveMaxSize?: number;
  /** Bytes a connection may have unsent before `send` waits for it (default 128 KiB, as NN_SNDBUF). */
  sendBufferSize?: number;
}

/** Every option, with its value. */
export type Options = Required<SocketOptions>;

const defaults: Options = {
  reconnectInterval: 100,
  reconnectIntervalMax: 0,
  handshakeTimeout: 5000,
  sendTimeout: -1,
  receiveTimeout: -1,
  receiveBufferSize: 128 * 1024,
  receiveMaxSize: 1024 * 1024,
  sendBufferSize: 128 * 1024,
};

/** Options that take -1 for "no limit". */
const unlimited = new Set<keyof Options>(['sendTimeout', 'receiveTimeout', 'receiveMaxSize']);

/** `given` over the defaults; TypeError/RangeError for a value that is not a fitting integer. */
export function resolveOptions(given: SocketOptions = {}): Options {
  if (typeof given !== 'object' || given === null) throw new TypeError('options must be an object');
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof Options)[]) {
    const value = given[key];
    if (value === undefined) continue;
    out[key] = checkInteger(value, key, unlimited.has(key) ? -1 : 0);
  }
  return out;
}

/** `value` when it is an integer of at least `min`; TypeError or RangeError naming `what`. */
export function checkInteger(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number`);
  if (!Number.isInteger(value) || value < min || value > 2 ** 31 - 1) {
    throw new RangeError(`${what} must be an integer from ${min} to 2147483647, not ${value}`);
  }
  return value;
}

/** `{ timeout, signal }` of `send`, `recv`, `request`, `survey`. */
export interface WaitOptions {
  /** Milliseconds; -1: no limit (default: the socket's `sendTimeout` / `receiveTimeout`). */
  timeout?: number;
  /** Aborting it rejects with its reason; nothing is lost. */
  signal?: AbortSignal;
}

/** The checked timeout of `options`, or `fallback`. */
export function timeoutOf(options: WaitOptions | undefined, fallback: number): number {
  if (options === undefined) return fallback;
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  return options.timeout === undefined ? fallback : checkInteger(options.timeout, 'timeout', -1);
}
