// The library's constants, read at run time from nn_symbol_info: no numeric
// nanomsg value is written in this package.
import { checkString } from './args.js';
import { NanomsgError } from './errors.js';
import { loadNative, type NativeAddon } from './native.js';

/** Option value types of the symbol table (`NN_TYPE_*`). */
export type SymbolType = 'none' | 'int' | 'string';
/** Option units of the symbol table (`NN_UNIT_*`). */
export type SymbolUnit =
  'none' | 'bytes' | 'milliseconds' | 'priority' | 'boolean' | 'messages' | 'counter';

/** One entry of `nn_symbol_info`. */
export interface SymbolInfo {
  /** The symbol's nanomsg name, e.g. `'NN_SNDBUF'`. */
  readonly name: string;
  /** Its value in the loaded library. */
  readonly value: number;
  /** The name of its namespace, e.g. `'NN_NS_SOCKET_OPTION'`. */
  readonly namespace: string;
  /** For options and statistics: the value's type. */
  readonly type: SymbolType;
  /** For options and statistics: the value's unit. */
  readonly unit: SymbolUnit;
}

/** The ABI version of the loaded libnanomsg (`NN_VERSION_CURRENT`, `_REVISION`, `_AGE`). */
export interface Version {
  /** `NN_VERSION_CURRENT`: the newest interface the library implements. */
  readonly current: number;
  /** `NN_VERSION_REVISION`: the revision of that interface. */
  readonly revision: number;
  /** `NN_VERSION_AGE`: how many older interfaces it still implements. */
  readonly age: number;
}

interface Table {
  readonly native: NativeAddon;
  readonly list: readonly SymbolInfo[];
  readonly byName: ReadonlyMap<string, SymbolInfo>;
  readonly features: Readonly<Record<string, boolean>>;
}

let table: Table | undefined;

function typeName(t: SymbolInfo | undefined): SymbolType {
  return t === undefined
    ? 'none'
    : (t.name.slice('NN_TYPE_'.length).toLowerCase().replace('str', 'string') as SymbolType);
}
function unitName(u: SymbolInfo | undefined): SymbolUnit {
  return u === undefined ? 'none' : (u.name.slice('NN_UNIT_'.length).toLowerCase() as SymbolUnit);
}

/** @internal The symbol table, loading the addon on first use. */
export function lib(): Table {
  if (table !== undefined) return table;
  const native = loadNative();
  const rows = native.symbols();
  // Namespaces, types and units are themselves symbols: find them first.
  const byNs = (ns: string): Map<number, SymbolInfo> => {
    const nsRow = rows.find((r) => r[0] === ns);
    const out = new Map<number, SymbolInfo>();
    if (nsRow === undefined) return out;
    for (const r of rows) {
      if (r[2] === nsRow[1]) {
        out.set(r[1], { name: r[0], value: r[1], namespace: ns, type: 'none', unit: 'none' });
      }
    }
    return out;
  };
  const namespaces = byNs('NN_NS_NAMESPACE');
  const types = byNs('NN_NS_OPTION_TYPE');
  const units = byNs('NN_NS_OPTION_UNIT');
  const list: SymbolInfo[] = rows.map(([name, value, ns, type, unit]) =>
    Object.freeze({
      name,
      value,
      namespace: namespaces.get(ns)?.name ?? String(ns),
      type: typeName(types.get(type)),
      unit: unitName(units.get(unit)),
    }),
  );
  const byName = new Map(list.map((s) => [s.name, s]));
  const compiled = native.compiledFeatures();
  const has = (name: string): boolean => byName.has(name);
  const features = Object.freeze({
    statistics: compiled.statistics === true && list.some((s) => s.namespace === 'NN_NS_STATISTIC'),
    websocket: compiled.websocket === true && has('NN_WS'),
    maxTtl: compiled.maxTtl === true && has('NN_MAXTTL'),
    ipc: has('NN_IPC'),
    tcp: has('NN_TCP'),
    inproc: has('NN_INPROC'),
  });
  table = { native, list: Object.freeze(list), byName, features };
  return table;
}

/**
 * Every entry of the loaded library's symbol table (`nn_symbol_info`), in order.
 *
 * @example
 * ```ts
 * const protocols = symbols().filter((s) => s.namespace === 'NN_NS_PROTOCOL').map((s) => s.name);
 * ```
 */
export function symbols(): readonly SymbolInfo[] {
  return lib().list;
}

/**
 * The value of a symbol by its nanomsg name (`nn_symbol`), e.g. `symbol('NN_PUB')`.
 * @throws NanomsgError `'EINVAL'` when the loaded library does not define `name`.
 */
export function symbol(name: string): number {
  checkString(name, 'symbol name');
  const s = lib().byName.get(name);
  if (s === undefined)
    throw nnError('EINVAL', 'nn_symbol', `unknown symbol ${JSON.stringify(name)}`);
  return s.value;
}

/** @internal The table entry for `name`, or undefined. */
export function symbolInfo(name: string): SymbolInfo | undefined {
  return lib().byName.get(name);
}

/**
 * A `NanomsgError` for `code` (e.g. `'ETIMEDOUT'`) raised on the library's
 * behalf by `syscall`, with the loaded library's number and `nn_strerror` text
 * for it, `detail` after the text and the endpoint `address` where there is
 * one. Every error the TypeScript side raises is built here (the addon builds
 * those of failed library calls through the same class, see `loadNative`).
 * Exported from the package as `nanomsgError`, for protocol packages and
 * applications that settle an operation themselves.
 */
export function nnError(
  code: string,
  syscall: string,
  detail?: string,
  address?: string,
): NanomsgError {
  const t = lib();
  const errno = t.byName.get(code)?.value ?? -1;
  const text = errno >= 0 ? t.native.strerror(errno) : code;
  return new NanomsgError(
    detail === undefined ? text : `${text} (${detail})`,
    code,
    errno,
    syscall,
    address,
  );
}

function camelCase(s: string): string {
  return s.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

let statList: { key: string; value: number }[] | undefined;

/**
 * @internal Every `NN_STAT_*` symbol, keyed as `statistics()` gives them:
 * camelCase without the prefix (`messagesSent`).
 */
export function statisticSymbols(): readonly { key: string; value: number }[] {
  statList ??= lib()
    .list.filter((s) => s.namespace === 'NN_NS_STATISTIC')
    .map((s) => ({ key: camelCase(s.name.replace(/^NN_STAT_/, '')), value: s.value }));
  return statList;
}

/** `util.inspect.custom`, by its registered name: no import of node:util. */
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

function lazyVersion(): Version {
  const v = {} as Version;
  for (const key of ['current', 'revision', 'age'] as const) {
    Object.defineProperty(v, key, {
      enumerable: true,
      get: () => symbol(`NN_VERSION_${key.toUpperCase()}`),
    });
  }
  // console.log would show `[Getter]` for each value.
  Object.defineProperty(v, inspectCustom, { value: () => ({ ...v }) });
  return Object.freeze(v);
}

/**
 * The ABI version of the loaded libnanomsg, read at run time through
 * `nn_symbol` (`NN_VERSION_CURRENT`, `NN_VERSION_REVISION`, `NN_VERSION_AGE`).
 * The addon loads on first read.
 */
export const version: Version = /* @__PURE__ */ lazyVersion();

function lazyFeatures(): Readonly<Record<string, boolean>> {
  const target = () => lib().features as Record<string, boolean>;
  // util.inspect looks at a proxy's own target, bypassing the traps: it would
  // print `{}` without this.
  const shown = Object.defineProperty({}, inspectCustom, {
    value: () => ({ ...target() }),
    configurable: true,
  }) as Record<string, boolean>;
  return new Proxy(shown, {
    get: (_t, key) => (typeof key === 'string' ? target()[key] : undefined),
    has: (_t, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), key);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * Optional parts of the loaded library: `statistics` (`nn_get_statistic`),
 * `websocket` (the `ws://` transport), `maxTtl`, and the transports `inproc`,
 * `ipc`, `tcp`. A method whose feature is missing throws `NanomsgError` `'ENOTSUP'`.
 */
export const features: Readonly<Record<string, boolean>> = /* @__PURE__ */ lazyFeatures();
