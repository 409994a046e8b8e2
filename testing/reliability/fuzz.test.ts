// Hostile input through the API: fast-check drives every public constructor,
// method and option property of core and the six protocol packages (and the
// free functions symbol, symbols, poll, device, nanomsgError; not terminate,
// which is process-wide) with arbitrary values: wrong types, NaN, ±Infinity,
// huge and negative numbers and timeouts, detached ArrayBuffers, strings with
// lone surrogates, random and 10 kB addresses, every option name of the
// symbol table with every kind of value and level.
//
// Every call must return, or throw a TypeError, RangeError or NanomsgError;
// every promise must settle the same way once the run's sockets are closed
// (an aborted signal's own reason, an AbortError or TimeoutError DOMException,
// counts as settling as documented). A crash kills this worker and fails
// the file. After each run a well-formed round trip must still work.
//
// Safety: addresses never leave this machine. tcp and ws addresses are
// 127.0.0.1 with ports outside the 20000-60000 range the other tests use, or
// malformed so the library refuses them before any lookup; ipc paths are
// inside this run's temporary folder.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NanomsgError,
  ReceivingSocket,
  SendingSocket,
  Socket,
  SocketBase,
  device,
  features,
  nanomsgError,
  poll,
  symbol,
  symbols,
  version,
  type PollEntry,
} from '@nanomsg-ts/core';
import { Bus } from '@nanomsg-ts/bus';
import { Pair } from '@nanomsg-ts/pair';
import { Pull, Push } from '@nanomsg-ts/pipeline';
import { Pub, Sub } from '@nanomsg-ts/pubsub';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Calls per CI run; the test fails with fewer. */
const MIN_CALLS = 100_000;
const RUNS = Number(process.env.NANOMSG_TS_FUZZ_RUNS ?? 3500);
// To replay a failure: NANOMSG_TS_FUZZ_SEED and NANOMSG_TS_FUZZ_PATH from its
// report; then the counterexample is shrunk (with a shorter settle wait).
const SEED =
  process.env.NANOMSG_TS_FUZZ_SEED === undefined
    ? undefined
    : Number(process.env.NANOMSG_TS_FUZZ_SEED);
const PATH = process.env.NANOMSG_TS_FUZZ_PATH;
const SETTLE_MS = PATH === undefined ? 10_000 : 1500;
// NANOMSG_TS_FUZZ_TRACE=<file>: every command is appended there before it
// runs, so a crash (which ends this worker without a report) can be traced.
const TRACE = process.env.NANOMSG_TS_FUZZ_TRACE;
// While tracing a replayed run: NANOMSG_TS_FUZZ_SKIP=3,5-9 leaves those commands out.
const SKIP = new Set(
  (process.env.NANOMSG_TS_FUZZ_SKIP ?? '')
    .split(',')
    .filter(Boolean)
    .flatMap((r) => {
      const [a, b = a] = r.split('-').map(Number);
      return Array.from({ length: b! - a! + 1 }, (_, k) => a! + k);
    }),
);
const seed = SEED ?? (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
/** Sockets one run may have open at once (nanomsg allows 512 in the process). */
const MAX_SOCKETS = 10;

// ---- what a run works on ----------------------------------------------------

type AnySocket = SocketBase & Record<string | symbol, unknown>;

interface Ctx {
  sockets: AnySocket[];
  pending: {
    what: string;
    promise: Promise<unknown>;
    settled: boolean;
    mayStayPending?: boolean;
    settledAt?: number;
  }[];
  iterators: { what: string; it: AsyncIterator<unknown> }[];
  calls: number;
  /** Failures: something other than the allowed outcomes. */
  bad: string[];
  /** What was done to each socket, to report with a close that does not settle. */
  history: Map<object, string[]>;
  /** This run's own addresses, shared by its binds and connects so that its sockets meet. */
  pool: string[];
  /** The tcp and ws ports of `pool`: the only ones a tcp or ws connect may reach. */
  poolPorts: Set<number>;
}

let runSerial = 0;
/**
 * Ports above the range of the other tests and of the kernel's ephemeral
 * ports. No ws address: over ws, libnanomsg 1.1.5 aborts a client whose
 * protocol does not fit the server's when the server sends (see
 * RELIABILITY.md), so ws endpoints here are bound, or connected where
 * nothing listens, only.
 */
function pool(): { pool: string[]; poolPorts: Set<number> } {
  runSerial++;
  const port = 61_001 + Math.floor(Math.random() * 4000);
  return {
    pool: [
      `inproc://fuzz-pool-${runSerial}`,
      `ipc://${join(dir, `pool-${runSerial % 50}`)}`,
      `tcp://127.0.0.1:${port}`,
    ],
    poolPorts: new Set([port]),
  };
}

function note(ctx: Ctx, socket: unknown, what: string): void {
  if (socket === null || typeof socket !== 'object') return;
  let h = ctx.history.get(socket);
  if (h === undefined) ctx.history.set(socket, (h = []));
  h.push(what);
}

/** A value made at call time (fresh objects, the run's sockets), with a printable name. */
type Thunk = ((ctx: Ctx) => unknown) & { [fc.toStringMethod]: () => string };

function thunk(name: string, make: (ctx: Ctx) => unknown): Thunk {
  return Object.assign(make, { [fc.toStringMethod]: () => name });
}
const value = (v: unknown, name = fc.stringify(v)): Thunk => thunk(name, () => v);

const SENTINEL = new Error('thrown by a hostile getter');

/** An outcome the contract allows. */
function allowed(error: unknown): boolean {
  if (error === SENTINEL) return true; // the caller's own exception, passed through
  if (error instanceof TypeError || error instanceof RangeError) return true;
  if (NanomsgError.isInstance(error)) return true;
  if (error instanceof DOMException)
    return error.name === 'AbortError' || error.name === 'TimeoutError';
  return false;
}

function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.constructor.name}: ${error.message}\n${error.stack ?? ''}`;
  return `non-error thrown: ${String(error)}`;
}

function record(ctx: Ctx, what: string, result: unknown): void {
  if (result instanceof Promise) {
    const entry: Ctx['pending'][number] = { what, promise: Promise.resolve(), settled: false };
    entry.promise = result.then(
      () => {
        entry.settled = true;
        entry.settledAt = performance.now();
      },
      (error: unknown) => {
        entry.settled = true;
        entry.settledAt = performance.now();
        if (!allowed(error)) ctx.bad.push(`${what} rejected with ${describeError(error)}`);
      },
    );
    ctx.pending.push(entry);
  }
}

function call(ctx: Ctx, what: string, fn: () => unknown): unknown {
  ctx.calls++;
  try {
    const result = fn();
    record(ctx, what, result);
    return result;
  } catch (error) {
    if (!allowed(error)) ctx.bad.push(`${what} threw ${describeError(error)}`);
    return undefined;
  }
}

// ---- arbitrary values ---------------------------------------------------------

const specialNumbers = fc.constantFrom(
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -1,
  -2,
  1,
  2,
  3,
  7,
  8,
  16,
  17,
  255,
  256,
  1000,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 53,
  -(2 ** 53),
  2 ** 64,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  1.5,
  -1.5,
  0.1,
  1e-300,
);
const numbers = fc.oneof(
  specialNumbers,
  fc.integer(),
  fc.double(),
  fc.integer({ min: -3, max: 70 }),
);

/** Strings with lone surrogates, NUL and other code points. */
const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.integer({ min: 0, max: 0x7f }),
        fc.integer({ min: 0, max: 0x10ffff }),
      ),
      { maxLength: 40 },
    )
    .map((cps) => cps.map((c) => String.fromCodePoint(c)).join('')),
  fc.constantFrom('', '\0', 'a\0b', '\ud800', '\udc00x', '\u{10ffff}', 'é'),
);

function detachedBuffer(): ArrayBuffer {
  const ab = new ArrayBuffer(32);
  structuredClone(ab, { transfer: [ab] });
  return ab;
}
function detachedView(): Uint8Array {
  const ab = new ArrayBuffer(32);
  const view = new Uint8Array(ab, 4, 16);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

const bytes: fc.Arbitrary<Thunk> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((u) => thunk(`Buffer(${u.length})`, () => Buffer.from(u))),
  fc
    .tuple(
      fc.constantFrom<[string, (b: ArrayBuffer) => unknown]>(
        ['Uint16Array', (b) => new Uint16Array(b)],
        ['Float64Array', (b) => new Float64Array(b)],
        ['BigInt64Array', (b) => new BigInt64Array(b)],
        ['DataView', (b) => new DataView(b)],
        ['Int8Array at offset 1', (b) => new Int8Array(b, 1)],
        ['ArrayBuffer', (b) => b],
      ),
      fc.uint8Array({ maxLength: 64 }),
    )
    .map(([[name, make], u]) =>
      thunk(`${name}(${u.length} bytes)`, () => {
        const b = new ArrayBuffer(8 * Math.max(1, Math.ceil(u.length / 8)));
        new Uint8Array(b).set(u);
        return make(b);
      }),
    ),
  fc.constant(thunk('detached ArrayBuffer', detachedBuffer)),
  fc.constant(thunk('view of a detached ArrayBuffer', detachedView)),
  fc.constant(thunk('SharedArrayBuffer', () => new SharedArrayBuffer(12))),
  fc.constant(
    thunk('Uint8Array over SharedArrayBuffer', () => new Uint8Array(new SharedArrayBuffer(12))),
  ),
);
/** Messages also come larger than the copy threshold and than receiveMaxSize. */
const bigBytes: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 6, arbitrary: bytes },
  { weight: 2, arbitrary: fc.constant(thunk('Buffer(20 KiB)', () => Buffer.alloc(20 * 1024, 7))) },
  {
    weight: 1,
    arbitrary: fc.constant(thunk('Buffer(1.5 MiB)', () => Buffer.alloc(1536 * 1024, 1))),
  },
);

/** Names of the library's symbols, all namespaces. */
const symbolNames = symbols().map((s) => s.name);
const optionNames = symbols()
  .filter((s) => s.namespace === 'NN_NS_SOCKET_OPTION' || s.namespace === 'NN_NS_TRANSPORT_OPTION')
  .map((s) => s.name);
const protocolNames = symbols()
  .filter((s) => s.namespace === 'NN_NS_PROTOCOL')
  .map((s) => s.name);

const signals = fc.constantFrom(
  thunk('new AbortController().signal', () => new AbortController().signal),
  thunk('AbortSignal.abort()', () => AbortSignal.abort()),
  thunk('AbortSignal.abort(NanomsgError)', () =>
    AbortSignal.abort(nanomsgError('ECANCELED', 'test')),
  ),
  thunk('AbortSignal.timeout(1)', () => AbortSignal.timeout(1)),
  thunk('a signal aborted soon', () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 2);
    return c.signal;
  }),
);

/** A run socket (or a closed one) as an argument. */
const socketRef = fc
  .nat()
  .map((i) =>
    thunk(`socket#${i}`, (ctx) =>
      ctx.sockets.length === 0 ? undefined : ctx.sockets[i % ctx.sockets.length],
    ),
  );

const hostileObjects = fc.constantFrom(
  thunk('object with throwing getters', () =>
    Object.defineProperties(
      {},
      Object.fromEntries(
        [
          'timeout',
          'signal',
          'raw',
          'body',
          'header',
          'socket',
          'in',
          'out',
          'subscribe',
          'linger',
          'length',
          'then',
        ].map((k) => [
          k,
          {
            enumerable: true,
            get: () => {
              throw SENTINEL;
            },
          },
        ]),
      ),
    ),
  ),
  thunk('object whose timeout changes on each read', () => {
    let n = 0;
    const values = [5, -7, 'x', NaN, 2 ** 40, {}];
    return {
      get timeout() {
        return values[n++ % values.length];
      },
    };
  }),
  thunk(
    'Proxy that throws on everything',
    () =>
      new Proxy(
        {},
        {
          get: () => {
            throw SENTINEL;
          },
          ownKeys: () => {
            throw SENTINEL;
          },
          has: () => {
            throw SENTINEL;
          },
        },
      ),
  ),
  thunk('array-like with huge length', () => ({ length: 2 ** 32 + 5, 0: 'a' })),
  thunk('valueOf -> 5', () => ({ valueOf: () => 5, toString: () => 'tcp://127.0.0.1:1' })),
  thunk('Symbol()', () => Symbol('s')),
  thunk('function', () => () => 1),
  thunk('10n', () => 10n),
  thunk('Promise', () => Promise.resolve(1)),
  thunk('Object.create(null)', () => Object.create(null)),
  thunk('Date', () => new Date()),
  thunk('Map', () => new Map([[1, 2]])),
);

/** Any value at all. */
const anything: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 3, arbitrary: numbers.map((n) => value(n)) },
  { weight: 2, arbitrary: oddStrings.map((s) => value(s)) },
  { weight: 2, arbitrary: bytes },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, true, false).map((v) => value(v)) },
  {
    weight: 1,
    arbitrary: fc
      .anything({
        maxDepth: 2,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withTypedArray: true,
        withSparseArray: true,
      })
      .map((v) => value(v)),
  },
  { weight: 1, arbitrary: signals },
  { weight: 1, arbitrary: socketRef },
  { weight: 1, arbitrary: hostileObjects },
  { weight: 1, arbitrary: fc.constantFrom(...symbolNames).map((s) => value(s)) },
);

// ---- addresses ------------------------------------------------------------------

const outsidePorts = fc.oneof(
  fc.integer({ min: 1, max: 19_999 }),
  fc.integer({ min: 60_001, max: 65_535 }),
  fc.constantFrom(0, -1, 65_536, 70_000, 2 ** 32 + 80),
);
/** Characters that make nanomsg refuse a host name before any lookup. */
const badHostChars = fc.constantFrom(
  '%',
  '#',
  '!',
  '_',
  '$',
  ' ',
  '\0',
  '\ud800',
  '/',
  '?',
  '@',
  '~',
);
const nameChars = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')),
  maxLength: 30,
});

const addresses: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.uint8Array({ maxLength: 60 }).map((u) => Buffer.from(u).toString('latin1')),
    oddStrings.map((s) => `inproc://${s}`),
    fc.string({ maxLength: 20 }).map((s) => `inproc://fuzz-${s}`),
    nameChars.map((s) => `ipc://${join(dir, s.replaceAll('..', '_') || 'x')}`),
    oddStrings.map(
      (s) =>
        `ipc://${join(dir, s.replaceAll('/', '_').replaceAll('..', '_').replaceAll('\0', '0') || 'y')}`,
    ),
    fc.tuple(fc.constantFrom('tcp', 'ws'), outsidePorts).map(([t, p]) => `${t}://127.0.0.1:${p}`),
    fc
      .tuple(fc.constantFrom('tcp', 'ws'), fc.string({ maxLength: 10 }))
      .map(([t, p]) => `${t}://127.0.0.1:${p}`),
    fc
      .tuple(fc.constantFrom('tcp', 'ws'), nameChars, badHostChars, nameChars, outsidePorts)
      .map(([t, a, c, b, p]) => `${t}://${a}${c}${b}:${p}`),
    fc
      .tuple(
        fc.constantFrom('tcp://', 'ws://', 'inproc://', 'ipc://', 'udp://', '://', ''),
        fc.constantFrom('x', '\u00e9', '\ud800'),
      )
      .map(([t, c]) => t + c.repeat(10_000)),
    fc.constantFrom(
      '',
      'tcp://',
      'ws://',
      'inproc://',
      'ipc://',
      'tcp://127.0.0.1',
      'tcp://127.0.0.1:',
      'ws://127.0.0.1:9/x',
      'tcp://[::1]:9',
      'tcp://*:',
      'ipc://',
    ),
  )
  .filter(safeAddress);

/**
 * True for an address that cannot reach beyond this machine, bind outside
 * loopback, touch the other tests' ports, create files outside `dir`, or
 * (to connect) reach any server but this run's own: tcp and ws connects go
 * only to the run's pool ports, or to ports the library refuses.
 */
function safeAddress(
  a: string,
  mode: 'bind' | 'connect' = 'bind',
  poolPorts: ReadonlySet<number> = new Set(),
): boolean {
  const scheme = /^(tcp|ws|ipc):\/\//.exec(a)?.[1];
  if (scheme === undefined) return true; // inproc, or a transport the library refuses
  if (Buffer.byteLength(a) >= 128) return true; // ENAMETOOLONG before any parsing
  const rest = a.slice(scheme.length + 3);
  if (scheme === 'ipc') {
    return (
      rest.startsWith(`${dir}/`) &&
      !rest.slice(dir.length + 1).includes('/') &&
      !rest.includes('..')
    );
  }
  if (rest.includes(';')) return false; // a local interface
  const colon = rest.lastIndexOf(':');
  const slash = rest.indexOf('/');
  const hostEnd = colon >= 0 ? colon : scheme === 'ws' ? (slash < 0 ? rest.length : slash) : -1;
  if (hostEnd < 0) return true; // tcp without a port: EINVAL
  const host = rest.slice(0, hostEnd);
  if (host === '127.0.0.1') {
    const portText = colon >= 0 ? rest.slice(colon + 1).split('/')[0]! : '80';
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65_535)) return true; // EINVAL
    if (mode === 'connect') return poolPorts.has(port);
    return !(port >= 20_000 && port <= 60_000);
  }
  // Anything else only when the library refuses it as a host name and as a
  // literal before any lookup: a character outside [A-Za-z0-9.-], and not
  // "*" (every interface) nor a bracketed IPv6 literal.
  return /[^A-Za-z0-9.\-]/.test(host) && !host.includes('*') && !host.startsWith('[');
}

const addressArg: fc.Arbitrary<Thunk> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.nat().map((i) => thunk(`pool[${i % 3}]`, (ctx) => ctx.pool[i % ctx.pool.length])),
  },
  {
    weight: 4,
    arbitrary: addresses.map((a) =>
      value(a, JSON.stringify(a.length > 60 ? `${a.slice(0, 40)}…(${a.length})` : a)),
    ),
  },
  { weight: 1, arbitrary: anything },
);

// ---- options ----------------------------------------------------------------------

const optionValue: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 3, arbitrary: numbers.map((n) => value(n)) },
  { weight: 1, arbitrary: fc.boolean().map((b) => value(b)) },
  { weight: 1, arbitrary: oddStrings.map((s) => value(s)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('text', 'binary', 'a'.repeat(10_000))
      .map((s) => value(s, s.slice(0, 12))),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 8 })
      .map((u) => thunk(`Buffer[${u}]`, () => Buffer.from(u))),
  },
  { weight: 1, arbitrary: anything },
);
const optionName: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...optionNames).map((n) => value(n)) },
  { weight: 1, arbitrary: fc.constantFrom(...symbolNames).map((n) => value(n)) },
  { weight: 1, arbitrary: anything },
);
const levelArg: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(value(undefined)) },
  { weight: 2, arbitrary: fc.constantFrom(...symbolNames).map((n) => value(n)) },
  { weight: 1, arbitrary: anything },
);

const propertyNames = [
  'linger',
  'sendBufferSize',
  'receiveBufferSize',
  'sendTimeout',
  'receiveTimeout',
  'reconnectInterval',
  'reconnectIntervalMax',
  'sendPriority',
  'receivePriority',
  'ipv4Only',
  'name',
  'receiveMaxSize',
  'maxTtl',
  'tcpNoDelay',
  'wsMessageType',
  'resendInterval',
  'deadline',
  // read-only ones: writing must throw or be ignored, never change behaviour unsafely
  'id',
  'protocol',
  'raw',
  'closed',
  'endpoints',
];

const constructorOptions: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 1, arbitrary: anything },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom(...propertyNames, 'raw', 'subscribe', 'unknownOption', '__proto__'),
          fc.oneof(
            optionValue,
            fc
              .array(
                fc.oneof(
                  oddStrings.map((s) => value(s)),
                  anything,
                ),
                { maxLength: 4 },
              )
              .map((ts) =>
                thunk(`[${ts.map((t) => t[fc.toStringMethod]()).join(', ')}]`, (ctx) =>
                  ts.map((t) => t(ctx)),
                ),
              ),
          ),
        ),
        { maxLength: 4 },
      )
      .map((entries) =>
        thunk(
          `{${entries.map(([k, v]) => `${k}: ${v[fc.toStringMethod]()}`).join(', ')}}`,
          (ctx) => {
            const o: Record<string, unknown> = {};
            for (const [k, v] of entries)
              Object.defineProperty(o, k, {
                value: v(ctx),
                enumerable: true,
                writable: true,
                configurable: true,
              });
            return o;
          },
        ),
      ),
  },
);

// ---- commands ---------------------------------------------------------------------

type Command = ((ctx: Ctx) => void) & { [fc.toStringMethod]: () => string };
const command = (name: string, run: (ctx: Ctx) => void): Command =>
  Object.assign(run, { [fc.toStringMethod]: () => name });

const classes: Record<string, new (opts?: unknown) => SocketBase> = {
  Pair: Pair as never,
  Pub: Pub as never,
  Sub: Sub as never,
  Req: Req as never,
  Rep: Rep as never,
  Push: Push as never,
  Pull: Pull as never,
  Surveyor: Surveyor as never,
  Respondent: Respondent as never,
  Bus: Bus as never,
};

function addSocket(ctx: Ctx, s: unknown, how: string): void {
  if (s instanceof Object && typeof (s as SocketBase).close === 'function') {
    ctx.sockets.push(s as AnySocket);
    note(ctx, s, how);
  }
}

const construct: fc.Arbitrary<Command> = fc.oneof(
  fc.tuple(fc.constantFrom(...Object.keys(classes)), constructorOptions).map(([cls, opts]) =>
    command(`new ${cls}(${opts[fc.toStringMethod]()})`, (ctx) => {
      if (ctx.sockets.length >= MAX_SOCKETS) return;
      addSocket(
        ctx,
        call(ctx, `new ${cls}`, () => new classes[cls]!(opts(ctx))),
        `new ${cls}(${opts[fc.toStringMethod]()})`,
      );
    }),
  ),
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...protocolNames).map((p) => value(p)) },
        { weight: 1, arbitrary: anything },
      ),
      constructorOptions,
    )
    .map(([proto, opts]) =>
      command(`new Socket(${proto[fc.toStringMethod]()}, ${opts[fc.toStringMethod]()})`, (ctx) => {
        if (ctx.sockets.length >= MAX_SOCKETS) return;
        addSocket(
          ctx,
          call(ctx, 'new Socket', () => new Socket(proto(ctx) as string, opts(ctx) as never)),
          `new Socket(${proto[fc.toStringMethod]()}, ${opts[fc.toStringMethod]()})`,
        );
      }),
    ),
  // The base classes core exports are abstract in TypeScript only.
  fc
    .tuple(
      fc.constantFrom<[string, unknown]>(
        ['SocketBase', SocketBase],
        ['SendingSocket', SendingSocket],
        ['ReceivingSocket', ReceivingSocket],
      ),
      fc.constantFrom(...protocolNames),
      constructorOptions,
    )
    .map(([[name, base], proto, opts]) =>
      command(`new ${name}(${proto}, ${opts[fc.toStringMethod]()})`, (ctx) => {
        if (ctx.sockets.length >= MAX_SOCKETS) return;
        const Base = base as new (p: string, o: unknown) => SocketBase;
        addSocket(
          ctx,
          call(ctx, `new ${name}`, () => new Base(proto, opts(ctx))),
          `new ${name}(${proto})`,
        );
      }),
    ),
);

/** `name(args)` on one of the run's sockets, if it has that method. */
function method(name: string | symbol, args: fc.Arbitrary<Thunk[]>): fc.Arbitrary<Command> {
  return fc.tuple(fc.nat(), args).map(([i, as]) =>
    command(
      `socket#${i}.${String(name)}(${as.map((a) => a[fc.toStringMethod]()).join(', ')})`,
      (ctx) => {
        if (ctx.sockets.length === 0) return;
        const s = ctx.sockets[i % ctx.sockets.length]!;
        const fn = s[name];
        if (typeof fn !== 'function') return;
        const values = as.map((a) => a(ctx));
        // Whatever made it, an address that could leave the machine is never used.
        if (
          (name === 'bind' || name === 'connect') &&
          typeof values[0] === 'string' &&
          !safeAddress(values[0], name, ctx.poolPorts)
        ) {
          return;
        }
        const what = `${s.constructor.name}(${String(s.protocol)}${s.raw === true ? ', raw' : ''}).${String(name)}`;
        note(ctx, s, `${String(name)}(${as.map((a) => a[fc.toStringMethod]()).join(', ')})`);
        const result = call(ctx, what, () => (fn as (...a: unknown[]) => unknown).apply(s, values));
        if (name === 'survey' || name === Symbol.asyncIterator) {
          if (
            result !== null &&
            typeof result === 'object' &&
            typeof (result as AsyncIterator<unknown>).next === 'function'
          ) {
            ctx.iterators.push({ what, it: result as AsyncIterator<unknown> });
          }
        }
      },
    ),
  );
}

const opts: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(value(undefined)) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        timeout: fc.option(
          fc.oneof(
            numbers.map((n) => value(n)),
            anything,
          ),
          { nil: undefined },
        ),
        signal: fc.option(fc.oneof(signals, anything), { nil: undefined }),
      })
      .map(({ timeout, signal }) =>
        thunk(
          `{timeout: ${timeout?.[fc.toStringMethod]()}, signal: ${signal?.[fc.toStringMethod]()}}`,
          (ctx) => {
            const o: Record<string, unknown> = {};
            if (timeout !== undefined) o.timeout = timeout(ctx);
            if (signal !== undefined) o.signal = signal(ctx);
            return o;
          },
        ),
      ),
  },
  { weight: 1, arbitrary: anything },
);
const message: fc.Arbitrary<Thunk> = fc.oneof(
  { weight: 2, arbitrary: oddStrings.map((s) => value(s)) },
  { weight: 3, arbitrary: bigBytes },
  { weight: 1, arbitrary: anything },
);
const rawMessage: fc.Arbitrary<Thunk> = fc.oneof(
  fc.tuple(message, fc.oneof(bigBytes, anything)).map(([b, h]) =>
    thunk(`{body: ${b[fc.toStringMethod]()}, header: ${h[fc.toStringMethod]()}}`, (ctx) => ({
      body: b(ctx),
      header: h(ctx),
    })),
  ),
  fc.tuple(message, fc.uint8Array({ minLength: 0, maxLength: 12 })).map(([b, h]) =>
    thunk(`{body: ${b[fc.toStringMethod]()}, header: [${h}]}`, (ctx) => ({
      body: b(ctx),
      header: Buffer.from(h),
    })),
  ),
  anything,
);
const none = fc.constant([] as Thunk[]);
/** Arguments of subscribe/unsubscribe: none (everything), or one odd string, bytes or anything. */
const topicArgs = fc.oneof(
  none,
  fc.tuple(
    fc.oneof(
      oddStrings.map((s) => value(s)),
      bytes,
      anything,
    ),
  ),
);
const shutdown: fc.Arbitrary<Command> = fc.tuple(fc.nat(), fc.nat()).map(([i, j]) =>
  command(`socket#${i}.endpoints[${j}].shutdown()`, (ctx) => {
    if (ctx.sockets.length === 0) return;
    const s = ctx.sockets[i % ctx.sockets.length]!;
    const eps = call(ctx, 'endpoints', () => s.endpoints) as
      readonly { shutdown(): void }[] | undefined;
    if (eps === undefined || eps.length === 0) return;
    const ep = eps[j % eps.length]!;
    note(
      ctx,
      s,
      `endpoints[${j % eps.length}].shutdown() (${(ep as { address?: string }).address})`,
    );
    call(ctx, 'Endpoint.shutdown', () => ep.shutdown());
  }),
);
const property: fc.Arbitrary<Command> = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(...propertyNames),
    fc.option(optionValue, { nil: undefined, freq: 3 }),
  )
  .map(([i, p, v]) =>
    command(
      v === undefined ? `socket#${i}.${p}` : `socket#${i}.${p} = ${v[fc.toStringMethod]()}`,
      (ctx) => {
        if (ctx.sockets.length === 0) return;
        const s = ctx.sockets[i % ctx.sockets.length]!;
        note(ctx, s, v === undefined ? p : `${p} = ${v[fc.toStringMethod]()}`);
        if (v === undefined) call(ctx, `get ${p}`, () => s[p]);
        else {
          const x = v(ctx);
          call(ctx, `set ${p}`, () => {
            s[p] = x;
          });
        }
      },
    ),
  );
const nextOnIterator: fc.Arbitrary<Command> = fc.tuple(fc.nat(), fc.boolean()).map(([i, ret]) =>
  command(`iterator#${i}.${ret ? 'return' : 'next'}()`, (ctx) => {
    if (ctx.iterators.length === 0) return;
    const { what, it } = ctx.iterators[i % ctx.iterators.length]!;
    call(ctx, `${what} iterator.${ret ? 'return' : 'next'}`, () =>
      ret ? it.return?.() : it.next(),
    );
  }),
);
const free: fc.Arbitrary<Command> = fc.oneof(
  fc.tuple(anything, anything, anything, anything, anything).map((as) =>
    command(`new NanomsgError(${as.map((a) => a[fc.toStringMethod]()).join(', ')})`, (ctx) => {
      const vs = as.map((a) => a(ctx)) as [string, string, number, string, string];
      const e = call(ctx, 'new NanomsgError', () => new NanomsgError(...vs)) as
        NanomsgError | undefined;
      call(ctx, 'NanomsgError.isInstance', () => NanomsgError.isInstance(e));
      call(ctx, 'NanomsgError.isInstance', () => NanomsgError.isInstance(vs[0]));
      call(ctx, 'instanceof NanomsgError', () => (vs[1] as unknown) instanceof NanomsgError);
    }),
  ),
  anything.map((a) =>
    command(`version, features[${a[fc.toStringMethod]()}]`, (ctx) => {
      call(ctx, 'version', () => [version.current, version.revision, version.age]);
      const key = a(ctx);
      call(ctx, 'features[key]', () => (features as Record<PropertyKey, unknown>)[key as string]);
      call(ctx, 'key in features', () => (key as string) in features);
      call(ctx, 'Object.keys(features)', () => Object.keys(features));
    }),
  ),
  anything.map((a) =>
    command(
      `symbol(${a[fc.toStringMethod]()})`,
      (ctx) => void call(ctx, 'symbol', () => symbol(a(ctx) as string)),
    ),
  ),
  fc.constant(command('symbols()', (ctx) => void call(ctx, 'symbols', () => symbols()))),
  fc
    .tuple(anything, anything, anything)
    .map(([a, b, c]) =>
      command(
        `nanomsgError(${a[fc.toStringMethod]()}, ${b[fc.toStringMethod]()}, ${c[fc.toStringMethod]()})`,
        (ctx) =>
          void call(ctx, 'nanomsgError', () =>
            nanomsgError(a(ctx) as string, b(ctx) as string, c(ctx) as string),
          ),
      ),
    ),
  fc
    .tuple(
      fc.oneof(
        fc
          .array(
            fc.record({
              socket: fc.oneof(
                { weight: 4, arbitrary: socketRef },
                { weight: 1, arbitrary: anything },
              ),
              in: fc.oneof(
                fc.boolean().map((b) => value(b)),
                anything,
              ),
              out: fc.oneof(
                fc.boolean().map((b) => value(b)),
                anything,
              ),
            }),
            { maxLength: 4 },
          )
          .map((es) =>
            thunk(
              `[${es.map((e) => `{socket: ${e.socket[fc.toStringMethod]()}, in: ${e.in[fc.toStringMethod]()}, out: ${e.out[fc.toStringMethod]()}}`).join(', ')}]`,
              (ctx) => es.map((e) => ({ socket: e.socket(ctx), in: e.in(ctx), out: e.out(ctx) })),
            ),
          ),
        anything,
      ),
      fc.oneof(
        numbers.map((n) => value(n)),
        fc.constant(value(undefined)),
        anything,
      ),
    )
    .map(([entries, timeout]) =>
      command(`poll(${entries[fc.toStringMethod]()}, ${timeout[fc.toStringMethod]()})`, (ctx) => {
        const es = entries(ctx);
        const t = timeout(ctx);
        if (Array.isArray(es))
          for (const e of es)
            note(
              ctx,
              (e as { socket?: unknown } | null)?.socket,
              `poll(…, ${timeout[fc.toStringMethod]()})`,
            );
        const before = ctx.pending.length;
        call(ctx, 'poll', () => poll(es as never, t as number));
        // Like nn_poll, a poll that watches nothing ends only by its timeout:
        // never without one (documented), in up to 2^31 ms with one. Anything
        // else must settle once the sockets are closed.
        const watchesNothing =
          Array.isArray(es) &&
          es.every(
            (e) => (e as PollEntry | null)?.in !== true && (e as PollEntry | null)?.out !== true,
          );
        if (
          watchesNothing &&
          !(typeof t === 'number' && t >= 0 && t < 1000) &&
          ctx.pending.length > before
        )
          ctx.pending.at(-1)!.mayStayPending = true;
      }),
    ),
  fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: socketRef }, { weight: 1, arbitrary: anything }),
      fc.oneof({ weight: 3, arbitrary: socketRef }, { weight: 1, arbitrary: anything }),
    )
    .map(([a, b]) =>
      command(`device(${a[fc.toStringMethod]()}, ${b[fc.toStringMethod]()})`, (ctx) => {
        const x = a(ctx);
        const y = b(ctx);
        note(ctx, x, 'device(this, …)');
        note(ctx, y, 'device(…, this)');
        call(ctx, 'device', () => device(x as never, y as never));
      }),
    ),
);

const commands: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: construct },
  {
    weight: 5,
    arbitrary: method(
      'bind',
      fc.tuple(addressArg).map((a) => a),
    ),
  },
  {
    weight: 5,
    arbitrary: method(
      'connect',
      fc.tuple(addressArg).map((a) => a),
    ),
  },
  { weight: 2, arbitrary: shutdown },
  { weight: 5, arbitrary: method('send', fc.tuple(message, opts)) },
  { weight: 4, arbitrary: method('recv', fc.tuple(opts)) },
  { weight: 3, arbitrary: method('trySend', fc.tuple(message)) },
  { weight: 3, arbitrary: method('tryRecv', none) },
  { weight: 2, arbitrary: method('recvMessage', fc.tuple(opts)) },
  { weight: 3, arbitrary: method('sendMessage', fc.tuple(rawMessage, opts)) },
  { weight: 2, arbitrary: method('request', fc.tuple(message, opts)) },
  { weight: 2, arbitrary: method('survey', fc.tuple(message, opts)) },
  {
    weight: 3,
    arbitrary: method('subscribe', topicArgs),
  },
  {
    weight: 3,
    arbitrary: method('unsubscribe', topicArgs),
  },
  { weight: 6, arbitrary: method('setOption', fc.tuple(optionName, optionValue, levelArg)) },
  { weight: 4, arbitrary: method('getOption', fc.tuple(optionName, levelArg)) },
  { weight: 6, arbitrary: property },
  { weight: 1, arbitrary: method('statistics', none) },
  { weight: 2, arbitrary: method(Symbol.asyncIterator, none) },
  { weight: 3, arbitrary: nextOnIterator },
  { weight: 2, arbitrary: method('close', none) },
  { weight: 1, arbitrary: method(Symbol.asyncDispose, none) },
  { weight: 3, arbitrary: free },
);

// ---- the property -----------------------------------------------------------------------

const prof = { gen: 0, run: 0, settle: 0, trip: 0, last: performance.now() };
const perCommand = new Map<string, number>();
let totalCalls = 0;
let roundTrips = 0;
let serial = 0;

/** Closes the run's sockets, then waits for every promise and iterator to settle. */
async function settle(ctx: Ctx): Promise<void> {
  const closes = ctx.sockets.map((s) => {
    const before = ctx.pending.length;
    call(ctx, 'close', () => s.close());
    return { s, entry: ctx.pending.length > before ? ctx.pending.at(-1) : undefined };
  });
  for (const { what, it } of ctx.iterators)
    call(ctx, `${what} iterator.next after close`, () => it.next());
  const all = Promise.all(ctx.pending.filter((p) => !p.mayStayPending).map((p) => p.promise));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), SETTLE_MS))),
  ]);
  clearTimeout(timer);
  if (late) {
    const stuck = ctx.pending.filter((p) => !p.settled && !p.mayStayPending).map((p) => p.what);
    ctx.bad.push(`promises still pending ${SETTLE_MS} ms after close: ${stuck.join('; ')}`);
    for (const c of closes) {
      if (c.entry !== undefined && !c.entry.settled)
        ctx.bad.push(
          `close() did not settle; that socket's history:\n  ${ctx.history.get(c.s)?.join('\n  ')}`,
        );
    }
  }
}

async function roundTrip(): Promise<boolean> {
  const a = new Pair({ receiveTimeout: 5000, sendTimeout: 5000 });
  const b = new Pair({ receiveTimeout: 5000, sendTimeout: 5000 });
  try {
    const addr = `inproc://fuzz-roundtrip-${++serial}`;
    a.bind(addr);
    b.connect(addr);
    await a.send(`ping ${serial}`);
    const got = String(await b.recv());
    await b.send(got);
    return String(await a.recv()) === `ping ${serial}`;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe('hostile input through the API', () => {
  it(
    `≥ ${MIN_CALLS} calls with arbitrary values: only TypeError, RangeError or NanomsgError; every promise settles; round trips still work`,
    { timeout: 600_000 },
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(
          fc.array(construct, { minLength: 1, maxLength: 4 }),
          fc.array(commands, { minLength: 30, maxLength: 80, size: 'max' }),
          async (made, cmds) => {
            const tRun = performance.now();
            prof.gen += tRun - prof.last;
            const ctx: Ctx = {
              sockets: [],
              pending: [],
              iterators: [],
              calls: 0,
              bad: [],
              history: new Map(),
              ...pool(),
            };
            for (const c of made) {
              if (TRACE !== undefined) appendFileSync(TRACE, `made: ${c[fc.toStringMethod]()}\n`);
              c(ctx);
            }
            // The run's first socket holds the tcp pool address, so that a
            // connect there reaches one of the run's own sockets.
            const anchor = ctx.sockets[0];
            const anchored =
              anchor !== undefined && call(ctx, 'anchor bind', () => anchor.bind(ctx.pool[2]!));
            if (anchored === undefined || anchored === false) ctx.poolPorts.clear();
            if (TRACE !== undefined) appendFileSync(TRACE, `--- run (seed ${seed})\n`);
            for (const [i, c] of cmds.entries()) {
              if (SKIP.has(i)) continue;
              if (TRACE !== undefined) appendFileSync(TRACE, `${i}: ${c[fc.toStringMethod]()}\n`);
              const tc = performance.now();
              c(ctx);
              if (process.env.NANOMSG_TS_FUZZ_PROFILE !== undefined) {
                const key = c[fc.toStringMethod]()
                  .replace(/^socket#\d+\./, '')
                  .slice(0, 40);
                perCommand.set(key, (perCommand.get(key) ?? 0) + performance.now() - tc);
              }
            }
            const t0 = performance.now();
            prof.run += t0 - tRun;
            await settle(ctx);
            const settleMs = performance.now() - t0;
            if (process.env.NANOMSG_TS_FUZZ_PROFILE !== undefined && settleMs > 50) {
              console.log(
                `slow settle ${settleMs.toFixed(0)} ms: ${ctx.pending
                  .filter((p) => p.settledAt !== undefined && p.settledAt - t0 > 40)
                  .map((p) => `${p.what} ${(p.settledAt! - t0).toFixed(0)}`)
                  .join('; ')}`,
              );
            }
            totalCalls += ctx.calls;
            if (ctx.bad.length > 0) throw new Error(ctx.bad.slice(0, 5).join('\n---\n'));
            const t1 = performance.now();
            prof.settle += t1 - t0;
            if (!(await roundTrip())) throw new Error('round trip after the run failed');
            prof.last = performance.now();
            prof.trip += prof.last - t1;
            roundTrips++;
          },
        ),
        { numRuns: RUNS, seed, path: PATH, endOnFailure: PATH === undefined },
      );
      const seconds = (performance.now() - started) / 1000;
      if (process.env.NANOMSG_TS_FUZZ_PROFILE !== undefined) {
        console.log(JSON.stringify(prof));
        console.log(
          [...perCommand]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 15)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join('\n'),
        );
      }
      console.log(
        `fuzz: ${totalCalls} calls in ${RUNS} runs, ${roundTrips} round trips, ${seconds.toFixed(1)} s`,
      );
      expect(roundTrips).toBe(RUNS);
      expect(totalCalls).toBeGreaterThanOrEqual(MIN_CALLS);
    },
  );
});
