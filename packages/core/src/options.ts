// Socket options by nanomsg name: level inferred from the symbol table, values
// checked against the table's type and unit before the C call.
import { checkString, INT_MAX } from './args.js';
import { lib, nnError, symbol, type SymbolInfo } from './symbols.js';

/** A value for `setOption`. */
export type OptionValue = number | boolean | string | ArrayBufferView;

/**
 * What `getOption` returns for the readable socket and transport options of
 * libnanomsg 1.1: booleans for options of unit boolean, strings for string
 * options, numbers otherwise. Other names (a later library's options,
 * protocol options) give `number | boolean | string`.
 */
export interface OptionTypes {
  /** `NN_LINGER` (ms). */
  NN_LINGER: number;
  /** `NN_SNDBUF` (bytes). */
  NN_SNDBUF: number;
  /** `NN_RCVBUF` (bytes). */
  NN_RCVBUF: number;
  /** `NN_RCVMAXSIZE` (bytes, -1 = no limit). */
  NN_RCVMAXSIZE: number;
  /** `NN_SNDTIMEO` (ms, -1 = no limit). */
  NN_SNDTIMEO: number;
  /** `NN_RCVTIMEO` (ms, -1 = no limit). */
  NN_RCVTIMEO: number;
  /** `NN_RECONNECT_IVL` (ms). */
  NN_RECONNECT_IVL: number;
  /** `NN_RECONNECT_IVL_MAX` (ms). */
  NN_RECONNECT_IVL_MAX: number;
  /** `NN_SNDPRIO` (1–16). */
  NN_SNDPRIO: number;
  /** `NN_RCVPRIO` (1–16). */
  NN_RCVPRIO: number;
  /** `NN_SNDFD`: the descriptor that is readable while the socket can send. */
  NN_SNDFD: number;
  /** `NN_RCVFD`: the descriptor that is readable while a message waits. */
  NN_RCVFD: number;
  /** `NN_DOMAIN`: `AF_SP` or `AF_SP_RAW`. */
  NN_DOMAIN: number;
  /** `NN_PROTOCOL`: the protocol's value. */
  NN_PROTOCOL: number;
  /** `NN_IPV4ONLY`. */
  NN_IPV4ONLY: boolean;
  /** `NN_SOCKET_NAME`. */
  NN_SOCKET_NAME: string;
  /** `NN_MAXTTL` (1–255). */
  NN_MAXTTL: number;
  /** `NN_TCP_NODELAY` at level `NN_TCP`. */
  NN_TCP_NODELAY: boolean;
  /** `NN_WS_MSG_TYPE` at level `NN_WS`: `NN_WS_MSG_TYPE_TEXT` or `NN_WS_MSG_TYPE_BINARY`. */
  NN_WS_MSG_TYPE: number;
}

/** @internal How to read and write one option. */
export interface OptionSpec {
  readonly info: SymbolInfo;
  readonly level: number;
}

const specs = new Map<string, OptionSpec>();

/**
 * @internal The level of an option: `NN_SOL_SOCKET` for socket options; for
 * transport and protocol options the transport or protocol whose name prefixes
 * the option's (`NN_TCP_NODELAY` at `NN_TCP`, `NN_SUB_SUBSCRIBE` at `NN_SUB`).
 */
export function optionSpec(name: string, syscall: string, level?: string): OptionSpec {
  checkString(name, 'option name');
  if (level !== undefined) checkString(level, 'option level');
  const key = level === undefined ? name : `${name}@${level}`;
  const cached = specs.get(key);
  if (cached !== undefined) return cached;
  const t = lib();
  const info = t.byName.get(name);
  if (
    info === undefined ||
    (info.namespace !== 'NN_NS_SOCKET_OPTION' && info.namespace !== 'NN_NS_TRANSPORT_OPTION')
  ) {
    throw nnError('ENOPROTOOPT', syscall, `unknown option ${JSON.stringify(name)}`);
  }
  let lvl: number | undefined;
  if (info.namespace === 'NN_NS_SOCKET_OPTION') {
    lvl = symbol('NN_SOL_SOCKET');
  } else {
    const parts = name.split('_');
    for (let n = parts.length - 1; n >= 2 && lvl === undefined; n--) {
      const owner = t.byName.get(parts.slice(0, n).join('_'));
      if (
        owner !== undefined &&
        (owner.namespace === 'NN_NS_TRANSPORT' || owner.namespace === 'NN_NS_PROTOCOL')
      ) {
        lvl = owner.value;
      }
    }
  }
  if (level !== undefined) {
    const given = symbol(level);
    // At another level the option's number names another option, whose value
    // the library would take in this one's type: libnanomsg 1.1.5 crashes on
    // e.g. a negative NN_REQ_RESEND_IVL set as NN_LINGER at level NN_REQ.
    if (lvl !== undefined && given !== lvl) {
      throw nnError('ENOPROTOOPT', syscall, `${name} is not an option of level ${level}`);
    }
    lvl = given;
  }
  if (lvl === undefined)
    throw nnError('ENOPROTOOPT', syscall, `no level known for ${name}; pass one`);
  const spec = { info, level: lvl };
  specs.set(key, spec);
  return spec;
}

/** The values an integer option takes, and why where the binding is stricter than C. */
export interface OptionRange {
  /** The smallest value taken. */
  readonly min: number;
  /** The largest value taken; default: the largest C int. */
  readonly max?: number;
  /** Why values outside are refused, for the RangeError's message. */
  readonly why?: string;
}

/**
 * The ranges of the options whose range the binding knows (libnanomsg 1.1.5's
 * nn_sock_setopt and its man page nn_setsockopt(3)), checked here so that an
 * out-of-range value is a RangeError naming the range rather than the
 * library's bare EINVAL. `why` says where the binding is stricter than C.
 */
const ranges: Record<string, OptionRange> = {
  NN_SNDPRIO: { min: 1, max: 16 },
  NN_RCVPRIO: { min: 1, max: 16 },
  NN_MAXTTL: { min: 1, max: 255 },
  NN_SNDBUF: { min: 1, max: INT_MAX },
  NN_RCVBUF: { min: 1, max: INT_MAX },
  NN_RCVMAXSIZE: { min: -1, max: INT_MAX, why: '-1 means no limit' },
  NN_RECONNECT_IVL: {
    min: 1,
    max: INT_MAX,
    why: 'at 0 the library retries a failed connection without pause, spinning a core',
  },
  NN_RECONNECT_IVL_MAX: { min: 0, max: INT_MAX, why: '0 means no back-off' },
};

/** @internal Declares the range of a protocol's option (see `registerProtocol`); the last declaration wins. */
export function setOptionRange(name: string, range: OptionRange): void {
  ranges[name] = range;
}

/** Longest NN_SOCKET_NAME the library takes, in bytes (its buffer holds 64 with the NUL). */
const NAME_MAX = 63;

/** @internal Checks `value` against the option's type, unit and range; returns what to pass to C. */
export function encodeOption(spec: OptionSpec, value: unknown): number | string | ArrayBufferView {
  const { name, type, unit } = spec.info;
  if (type === 'string') {
    if (typeof value !== 'string' && !ArrayBuffer.isView(value)) {
      throw new TypeError(`${name} takes a string or bytes, not ${describe(value)}`);
    }
    const length = typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
    if (name === 'NN_SOCKET_NAME' && length > NAME_MAX) {
      throw new RangeError(`${name} takes at most ${NAME_MAX} bytes, not ${length}`);
    }
    return value;
  }
  if (unit === 'boolean') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === 0 || value === 1) return value;
    throw new TypeError(`${name} takes a boolean, not ${describe(value)}`);
  }
  if (typeof value !== 'number')
    throw new TypeError(`${name} takes a number, not ${describe(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${name} takes an integer, not ${value}`);
  if (name === 'NN_WS_MSG_TYPE') {
    const allowed = ['NN_WS_MSG_TYPE_TEXT', 'NN_WS_MSG_TYPE_BINARY'];
    if (!allowed.some((s) => symbol(s) === value)) {
      throw new RangeError(`${name} takes ${allowed.join(' or ')}, not ${value}`);
    }
    return value;
  }
  const known = ranges[name];
  // Otherwise by unit. -1 means "no limit" for socket options only: protocol
  // timers (NN_REQ_RESEND_IVL, NN_SURVEYOR_DEADLINE) abort libnanomsg 1.1.5
  // when negative.
  const min =
    known?.min ??
    (unit === 'milliseconds'
      ? spec.info.namespace === 'NN_NS_SOCKET_OPTION'
        ? -1
        : 0
      : unit === 'bytes' || unit === 'priority'
        ? 1
        : -INT_MAX - 1);
  const max = known?.max ?? INT_MAX;
  if (value < min || value > max) {
    const why = known?.why === undefined ? '' : `; ${known.why}`;
    throw new RangeError(`${name} takes an integer from ${min} to ${max}, not ${value}${why}`);
  }
  return value;
}

/** @internal Turns what C returned into the option's JavaScript value. */
export function decodeOption(spec: OptionSpec, raw: number | string): number | boolean | string {
  return spec.info.unit === 'boolean' ? raw !== 0 : raw;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
