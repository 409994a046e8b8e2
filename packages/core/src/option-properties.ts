// Option properties (`sock.sendBufferSize`, `req.resendInterval`): one table
// maps each property to its nanomsg option, and the accessors are made from
// it. Each property is documented once, in its interface below (or in its
// protocol package's); its range, where the binding knows one, lives with the
// option in options.ts.
import { checkBoolean, checkObject, checkString } from './args.js';
import type { SocketBase } from './base.js';
import type { OptionValue } from './options.js';
import { lib, nnError, symbol } from './symbols.js';

/** The socket-level option properties of every socket. */
export interface SocketOptionProperties {
  /** `NN_LINGER` (ms). Accepted but ignored by nanomsg 1.1, which reads back 0. */
  linger: number;
  /** `NN_SNDBUF` (bytes, 1 or more; default 128 KiB): what the library buffers for sending. */
  sendBufferSize: number;
  /** `NN_RCVBUF` (bytes, 1 or more; default 128 KiB): what the library buffers for receiving. */
  receiveBufferSize: number;
  /** `NN_SNDTIMEO` (ms, -1 = no limit): the default `timeout` of `send`. */
  sendTimeout: number;
  /** `NN_RCVTIMEO` (ms, -1 = no limit): the default `timeout` of `recv`. */
  receiveTimeout: number;
  /**
   * `NN_RECONNECT_IVL` (ms, 1 or more; default 100): wait before reconnecting
   * a broken or failed connection. 0 is a RangeError: libnanomsg would retry
   * without pause, one core at 100% (about 27,000 attempts a second against a
   * closed port); 1 still makes about 850 a second.
   */
  reconnectInterval: number;
  /**
   * `NN_RECONNECT_IVL_MAX` (ms, 0 or more; default 0 = no back-off, every
   * retry waits `reconnectInterval`): above `reconnectInterval`, the wait
   * doubles after each failed attempt up to this cap. A value below
   * `reconnectInterval` becomes the wait itself in libnanomsg 1.1.5 (its man
   * page says such a value is ignored).
   */
  reconnectIntervalMax: number;
  /** `NN_SNDPRIO` (1 = highest … 16): priority of endpoints added afterwards for sending. */
  sendPriority: number;
  /** `NN_RCVPRIO` (1 = highest … 16): priority of endpoints added afterwards for receiving. */
  receivePriority: number;
  /** `NN_IPV4ONLY`: only IPv4 addresses (default true). */
  ipv4Only: boolean;
  /** `NN_SOCKET_NAME` (at most 63 bytes): the socket's name in statistics and debugging output. */
  name: string;
  /**
   * `NN_RCVMAXSIZE` (bytes, -1 = no limit; default 1 MiB): the largest message
   * this socket accepts over tcp and ipc (ws checks it too). A larger one is
   * lost without an error anywhere: the sender's `send` resolves, `recv` goes
   * on waiting, and libnanomsg drops the whole connection, with whatever else
   * was in flight on it. `statistics().brokenConnections` goes up by one on
   * both sides; that is the only trace. If this socket is the side that
   * connected, libnanomsg 1.1.5 then fails about 256 reconnections in a row
   * (it reads the rest of the dropped message as the next handshake): over tcp
   * the connection is down for about 256 × `reconnectInterval` (25 s at the
   * default 100 ms), over ipc it did not come back within 90 s. Over inproc
   * the limit is not enforced. Set it above the largest message your peers
   * send; -1 lets any peer make the library allocate whatever size it announces.
   */
  receiveMaxSize: number;
  /** `NN_MAXTTL` (1–255): hops a message may take through devices. */
  maxTtl: number;
  /** `NN_TCP_NODELAY` at level `NN_TCP`: disable Nagle's algorithm. */
  tcpNoDelay: boolean;
  /**
   * `NN_WS_MSG_TYPE` at level `NN_WS`: frames sent over `ws://` as text or
   * binary. A text socket sends valid UTF-8 only: `send`, `trySend` and
   * `sendMessage` refuse other bytes with `'EINVAL'` before the library sees
   * them (the peer would drop the frame and the connection with it).
   */
  wsMessageType: 'text' | 'binary';
}

/** Options of the `Socket` constructor: `raw` and any writable option property. */
export interface SocketOptions extends Partial<SocketOptionProperties> {
  /** Open a raw socket (`AF_SP_RAW`) rather than a cooked one (`AF_SP`). */
  raw?: boolean;
}

/** How an option property maps to its nanomsg option: one row of an option table. */
export interface OptionProperty {
  /** The nanomsg option, e.g. `'NN_SNDBUF'`; its level is inferred as `getOption` infers it. */
  readonly option: string;
  /**
   * The property's JavaScript type. `'number'` and `'boolean'` values are
   * checked against the option's type, unit and range (see `setOption`); a
   * `'string'` property takes strings only (the option also takes bytes).
   * An object maps each value of the property to the name of the option's
   * symbol for it (`{ text: 'NN_WS_MSG_TYPE_TEXT', ... }`).
   */
  readonly type: 'number' | 'boolean' | 'string' | Readonly<Record<string, string>>;
  /** The entry of `features` the loaded library needs for it; without it the property throws `'ENOTSUP'`. */
  readonly feature?: string;
}

/** One row for each property of `P`: what `defineOptionProperties` makes accessors of. */
export type OptionTable<P> = { readonly [K in keyof P]-?: OptionProperty };

/** The option properties every socket has. */
export const socketOptionTable: OptionTable<SocketOptionProperties> = {
  linger: { option: 'NN_LINGER', type: 'number' },
  sendBufferSize: { option: 'NN_SNDBUF', type: 'number' },
  receiveBufferSize: { option: 'NN_RCVBUF', type: 'number' },
  sendTimeout: { option: 'NN_SNDTIMEO', type: 'number' },
  receiveTimeout: { option: 'NN_RCVTIMEO', type: 'number' },
  reconnectInterval: { option: 'NN_RECONNECT_IVL', type: 'number' },
  reconnectIntervalMax: { option: 'NN_RECONNECT_IVL_MAX', type: 'number' },
  sendPriority: { option: 'NN_SNDPRIO', type: 'number' },
  receivePriority: { option: 'NN_RCVPRIO', type: 'number' },
  ipv4Only: { option: 'NN_IPV4ONLY', type: 'boolean' },
  name: { option: 'NN_SOCKET_NAME', type: 'string' },
  receiveMaxSize: { option: 'NN_RCVMAXSIZE', type: 'number' },
  maxTtl: { option: 'NN_MAXTTL', type: 'number', feature: 'maxTtl' },
  tcpNoDelay: { option: 'NN_TCP_NODELAY', type: 'boolean' },
  wsMessageType: {
    option: 'NN_WS_MSG_TYPE',
    type: { text: 'NN_WS_MSG_TYPE_TEXT', binary: 'NN_WS_MSG_TYPE_BINARY' },
    feature: 'websocket',
  },
};

/** @internal Throws `'ENOTSUP'` unless the loaded library has `feature`. */
export function requireFeature(feature: string, syscall: string): void {
  if (lib().features[feature] !== true) {
    throw nnError('ENOTSUP', syscall, `the loaded libnanomsg lacks ${feature}`);
  }
}

/**
 * Makes the option properties of `table` on `target`'s prototype (a socket
 * class): getters read the option with `getOption`, setters check the
 * property's type and write it with `setOption`. For protocol packages, whose
 * classes declare their option properties in an interface merged with the
 * class (`interface Req extends ReqOptionProperties {}`) and the rows here.
 */
export function defineOptionProperties<P>(
  target: abstract new (...args: never[]) => SocketBase,
  table: OptionTable<P>,
): void {
  checkObject(table, 'table');
  for (const [key, row] of Object.entries(table) as [string, OptionProperty][]) {
    const { option, type, feature } = row;
    const values = typeof type === 'object' ? type : undefined;
    Object.defineProperty(target.prototype, key, {
      configurable: true,
      get(this: SocketBase) {
        if (feature !== undefined) requireFeature(feature, 'nn_getsockopt');
        const value = this.getOption(option);
        if (values === undefined) return value;
        for (const [name, symbolName] of Object.entries(values)) {
          if (symbol(symbolName) === value) return name;
        }
        return value; // a value the table does not name, as the library gave it
      },
      set(this: SocketBase, value: unknown) {
        if (feature !== undefined) requireFeature(feature, 'nn_setsockopt');
        if (values !== undefined) {
          if (typeof value !== 'string' || !Object.hasOwn(values, value)) {
            const names = Object.keys(values).map((n) => JSON.stringify(n));
            throw new TypeError(`${key} must be ${names.join(' or ')}`);
          }
          this.setOption(option, symbol(values[value]!));
          return;
        }
        if (type === 'string') checkString(value, key);
        this.setOption(option, value as OptionValue);
      },
    });
  }
}

const settableKeys = new WeakMap<object, Set<string>>();

/**
 * @internal Checks the options of a socket constructor: an object whose `raw`
 * is a boolean and whose other keys are writable option properties along
 * the prototype chain `proto` (a protocol class adds its own). Returns `raw`.
 */
export function checkSocketOptions(proto: object, options: SocketOptions): boolean {
  checkObject(options, 'options');
  const raw = checkBoolean(options.raw ?? false, 'options.raw');
  const keys = settable(proto);
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'raw' && value !== undefined && !keys.has(key)) {
      throw new TypeError(`unknown socket option ${JSON.stringify(key)}`);
    }
  }
  return raw;
}

/** @internal Sets the option properties given to a socket constructor (checked by `checkSocketOptions`). */
export function applySocketOptions(socket: object, options: SocketOptions): void {
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'raw' && value !== undefined) (socket as Record<string, unknown>)[key] = value;
  }
}

/** Names of the writable accessor properties along a prototype chain: the options a constructor takes. */
function settable(proto: object): Set<string> {
  let keys = settableKeys.get(proto);
  if (keys !== undefined) return keys;
  keys = new Set();
  for (
    let p: object | null = proto;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (d.set !== undefined) keys.add(k);
    }
  }
  settableKeys.set(proto, keys);
  return keys;
}
