import { isUtf8 } from 'node:buffer';
import { markAsUntransferable } from 'node:worker_threads';
import { mixedFamilies, mixedFamiliesError } from './address.js';
import type { NativeSocket } from './native.js';
import {
  decodeOption,
  encodeOption,
  optionSpec,
  type OptionSpec,
  type OptionTypes,
  type OptionValue,
} from './options.js';
import { unwatchAbort, watchAbort } from './abort.js';
import { Queue } from './queue.js';
import { lib, nnError, symbol } from './symbols.js';
import {
  checkOperationOptions,
  isBytes,
  isMessage,
  notAMessage,
  checkObject,
  checkString,
  type CheckedOperationOptions,
} from './args.js';
import type {
  Endpoint,
  Message,
  OperationOptions,
  ProtocolName,
  RawMessage,
  RawMessageInit,
} from './types.js';

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

/** Most messages taken from the library per call, and per wake-up with waiters. */
const BATCH = 256;
/**
 * Small received messages (up to 2 KiB) are copied by the addon into a pool
 * shared by all sockets and handed out as views of it, the way
 * `Buffer.allocUnsafe` hands out views of its own pool: no allocation per
 * message. A message you keep holds its pool alive (16 KiB at most).
 */
const POOL_SIZE = 16 * 1024;
/** A fresh pool when less is left than the largest pooled message takes. */
const POOL_MIN_FREE = 2048 + 4;
let pool: Buffer | undefined;
let poolAt = 0;

// What a waiting receiver gets: the body, the body with its header, or an
// iterator result (and the end of iteration on close).
const BODY = 0;
const WITH_HEADER = 1;
const ITERATE = 2;
type ReceiveKind = typeof BODY | typeof WITH_HEADER | typeof ITERATE;

/** The readiness bits of the addon's watchers (`readable`, `writable`, `terminated`), read once. */
let bits: { readonly readable: number; readonly writable: number; readonly terminated: number };

/** What the inbox holds: bodies on a cooked socket, bodies with headers on a raw one. */
type Received = Buffer | RawMessage;

interface Waiter<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The name of the library call it stands for, for errors. */
  syscall: string;
}

interface Receiver extends Waiter<unknown> {
  kind: ReceiveKind;
}

interface PendingSend extends Waiter<void> {
  /** The message as the caller gave it (a string), or a copy; undefined while `held`. */
  message: Message | undefined;
  /**
   * The id of the native copy of a byte message (`hold`), handed to the
   * library without a second copy when sent; undefined once sent or freed.
   */
  held: number | undefined;
  /** The SP header for `sendMessage`; undefined for a plain `send`. */
  header: ArrayBufferView | ArrayBuffer | undefined;
}

/** @internal Someone (`poll`) waiting for readiness of a socket. */
export interface Poller {
  /** The addon's `events.readable` and/or `events.writable` bits. */
  readonly events: number;
  /** Called when one of `events` may have become ready, or the socket closed or terminated. */
  wake(): void;
}

/** @internal What the free functions of core (`poll`, `device`) need of a socket. */
export interface SocketInternals {
  readonly native: NativeSocket;
  /** The ready bits among `events`, without waiting (`nn_poll` with timeout 0). */
  readiness(events: number): number;
  addPoller(poller: Poller): void;
  removePoller(poller: Poller): void;
}

let internalsOf: (socket: SocketBase) => SocketInternals;

/** @internal The internals of a socket (for `poll` and `device`). */
export function socketInternals(socket: SocketBase): SocketInternals {
  return internalsOf(socket);
}

const RESOLVED: Promise<void> = /* @__PURE__ */ Promise.resolve();

/**
 * Operations that completed at once, in a row, over all sockets. A loop of
 * them (the library ready every time, as between sockets of one process over
 * inproc) would never give the event loop a turn: every RUN-th one settles
 * on the next turn instead (see `SocketBase.#now`).
 */
let runLength = 0;
const RUN = 1024;
const DONE: Promise<IteratorResult<Buffer, undefined>> = /* @__PURE__ */ Promise.resolve({
  done: true,
  value: undefined,
});

/**
 * Most timeouts rejected in one event-loop turn. Each rejection builds an
 * error, stack trace included (microseconds each): when many operations time
 * out at once (100,000 sends with one timeout), the ones beyond this wait in
 * `overdue` and are rejected a batch per turn, so the loop is never held long.
 * They left their socket's queue when their time came; only the rejection waits.
 */
const EXPIRE_BATCH = 1024;
let expireBudget = EXPIRE_BATCH;
let expireTurnScheduled = false;
const overdue = /* @__PURE__ */ new Queue<Waiter<never>>();

function expire(waiter: Waiter<never>): void {
  if (!expireTurnScheduled) {
    expireTurnScheduled = true;
    setImmediate(nextExpireTurn);
  }
  if (overdue.length === 0 && expireBudget > 0) {
    expireBudget--;
    waiter.reject(nnError('ETIMEDOUT', waiter.syscall));
  } else {
    overdue.push(waiter);
  }
}

function nextExpireTurn(): void {
  expireTurnScheduled = false;
  expireBudget = EXPIRE_BATCH;
  for (let w = overdue.shift(); w !== undefined; w = overdue.shift()) {
    w.reject(nnError('ETIMEDOUT', w.syscall));
    if (--expireBudget === 0) break;
  }
  if (overdue.length > 0 || expireBudget < EXPIRE_BATCH) {
    expireTurnScheduled = true;
    setImmediate(nextExpireTurn);
  }
}

// Sockets collected unclosed are closed off the JavaScript thread.
const unclosed = /* @__PURE__ */ new FinalizationRegistry<NativeSocket>((native) => {
  native.close().catch(() => {});
});

/** The bytes of a message, as `isUtf8` and `Buffer.concat` take them. */
function bytesOf(m: Message): Uint8Array {
  if (typeof m === 'string') return Buffer.from(m, 'utf8');
  if (m instanceof ArrayBuffer) return new Uint8Array(m);
  return new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
}

/** A copy of a message whose bytes the caller may change while it waits in our queue. */
function snapshot<T extends Message>(m: T): T extends string ? string : Buffer;
function snapshot(m: Message): Message {
  if (typeof m === 'string') return m;
  if (m instanceof ArrayBuffer) return Buffer.from(new Uint8Array(m.slice(0)));
  return Buffer.from(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
}

/** What a receiver of `kind` gets for a message taken from the library. */
function shape(item: Received, kind: ReceiveKind): unknown {
  const isBody = Buffer.isBuffer(item);
  switch (kind) {
    case BODY:
      return isBody ? item : item.body;
    case WITH_HEADER:
      return isBody ? { body: item, header: Buffer.alloc(0) } : item;
    default:
      return { value: isBody ? item : item.body, done: false };
  }
}

function receiveSyscall(kind: ReceiveKind): string {
  return kind === WITH_HEADER ? 'nn_recvmsg' : 'nn_recv';
}

function camelCase(s: string): string {
  return s.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const settableKeys = new WeakMap<object, Set<string>>();
/** Names of the writable accessor properties along a prototype chain. */
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

/**
 * The part every nanomsg socket shares: lifetime, endpoints, options and
 * statistics, plus the sending and receiving machinery as protected methods.
 * `Socket` makes all of it public; each protocol class makes public only what
 * its protocol can do (a `Pub` has no `recv`, a `Pull` no `send`).
 */
export abstract class SocketBase implements AsyncDisposable {
  /** The protocol's nanomsg name, e.g. `'NN_PUB'`. */
  readonly protocol: string;
  /** True for a raw socket (`AF_SP_RAW`). */
  readonly raw: boolean;
  /** The nanomsg socket number (`nn_socket`'s result). */
  readonly id: number;

  #native: NativeSocket;
  #onReady: (events: number) => void;
  #closed = false;
  #closing: Promise<void> | undefined;
  #watching = 0;
  /** Watchers (readable, writable bits) running for nobody, kept for the next wait (see `#updateWatch`). */
  #kept = 0;
  /** `receiveTimeout` and `sendTimeout` as last read; undefined until read or after any option is set. */
  #rcvTimeout: number | undefined;
  #sndTimeout: number | undefined;
  /** Whether `wsMessageType` is text, as last read; undefined until read or after any option is set. */
  #wsText: boolean | undefined;
  #terminated = false;
  #inbox = new Queue<Received>();
  #receivers = new Queue<Receiver>();
  #senders = new Queue<PendingSend>();
  #pollers = new Set<Poller>();
  #endpoints: Endpoint[] = [];
  /** Subscriptions of a SUB socket, by topic bytes, with their counts. */
  #topics = new Map<string, number>();
  /**
   * One exchange at a time: the library keeps the return path of the last
   * request received only, so the socket never receives ahead of its caller
   * and refuses a receive while another is pending.
   */
  #oneExchange: boolean;
  #batch: number;
  #newExchangeOnSend: boolean;
  /** Settlements held for the event loop's next turn, in order (see `#now`). */
  #later: (() => void)[] | undefined;

  /**
   * Opens a socket (`nn_socket`).
   * @param protocol - a protocol symbol name such as `'NN_PAIR'`
   * @param options - `raw` and initial values of option properties
   * @throws NanomsgError `'EMFILE'` when 512 sockets are open, libnanomsg's
   * limit per process (or when the process is out of file descriptors). A
   * closed socket keeps its slot until its `close()` has settled, so after
   * many `close()` calls not awaited, opening a socket can fail for a while:
   * await `close()` where sockets come and go.
   */
  constructor(protocol: ProtocolName, options: SocketOptions = {}) {
    checkString(protocol, 'protocol');
    checkObject(options, 'options');
    const raw = options.raw ?? false;
    if (typeof raw !== 'boolean') throw new TypeError('options.raw must be a boolean');
    const keys = settable(Object.getPrototypeOf(this) as object);
    for (const [key, value] of Object.entries(options)) {
      if (key !== 'raw' && value !== undefined && !keys.has(key)) {
        throw new TypeError(`unknown socket option ${JSON.stringify(key)}`);
      }
    }
    const t = lib();
    bits ??= t.native.events;
    const info = t.byName.get(protocol);
    if (info === undefined || info.namespace !== 'NN_NS_PROTOCOL') {
      throw nnError('EINVAL', 'nn_socket', `unknown protocol ${JSON.stringify(protocol)}`);
    }
    this.protocol = protocol;
    this.raw = raw;
    this.#onReady = (events) => this.#ready(events);
    this.#native = new t.native.Socket(
      symbol(raw ? 'AF_SP_RAW' : 'AF_SP'),
      info.value,
      this.#onReady,
    );
    this.id = this.#native.id;
    // Read-only at run time as well: the binding's own checks rely on them
    // (a cooked socket must never pass an SP header to the library).
    for (const key of ['protocol', 'raw', 'id']) {
      Object.defineProperty(this, key, { writable: false, configurable: false });
    }
    // A cooked REP or RESPONDENT forgets a request's return path when the next
    // one is received, so it must never receive ahead of its caller.
    this.#oneExchange = !raw && (protocol === 'NN_REP' || protocol === 'NN_RESPONDENT');
    this.#batch = this.#oneExchange ? 1 : BATCH;
    // A cooked REQ or SURVEYOR drops the answers to an exchange once a new one
    // starts; answers fetched ahead of the caller are dropped the same way.
    this.#newExchangeOnSend = !raw && (protocol === 'NN_REQ' || protocol === 'NN_SURVEYOR');
    unclosed.register(this, this.#native, this);
    try {
      for (const [key, value] of Object.entries(options)) {
        if (key !== 'raw' && value !== undefined) (this as Record<string, unknown>)[key] = value;
      }
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The endpoints made by `bind` and `connect` and not shut down; none once closed. */
  get endpoints(): readonly Endpoint[] {
    return this.#endpoints.slice();
  }

  /**
   * Accepts connections at `address` (`nn_bind`): `inproc://name`,
   * `ipc:///path`, `tcp://host:port`, `ws://host:port` (libnanomsg 1.1.5 refuses a
   * resource path when binding ws; `connect` takes `ws://host:port/path`).
   * @throws NanomsgError `'EADDRINUSE'`, `'EINVAL'` (bad address), `'EPROTONOSUPPORT'` (unknown transport)
   * and `'EISCONN'` for an NN_PAIR endpoint over inproc that libnanomsg could not take (see `Pair`)
   * @example
   * ```ts
   * const ep = sock.bind('tcp://127.0.0.1:5555');
   * ```
   */
  bind(address: string): Endpoint {
    checkString(address, 'address');
    return this.#endpoint(this.#native.bind(address), address);
  }

  /**
   * Connects to `address` (`nn_connect`); the library connects, and
   * reconnects, in the background.
   * @throws NanomsgError `'EINVAL'` (bad address), `'EPROTONOSUPPORT'` (unknown transport)
   * and `'EISCONN'` for an NN_PAIR endpoint over inproc that libnanomsg could not take (see `Pair`);
   * `'EINVAL'` too for a tcp or ws address with an IPv4 literal (or any other
   * family than the local address's) while `ipv4Only` is false, which
   * libnanomsg 1.1.5 would accept and then crash on
   */
  connect(address: string): Endpoint {
    checkString(address, 'address');
    if (
      mixedFamilies(address) &&
      this.#getOption(optionSpec('NN_IPV4ONLY', 'nn_getsockopt')) === false
    ) {
      throw mixedFamiliesError(address);
    }
    return this.#endpoint(this.#native.connect(address), address);
  }

  #endpoint(id: number, address: string): Endpoint {
    const list = this.#endpoints;
    const native = this.#native;
    const endpoint: Endpoint = Object.freeze({
      id,
      address,
      shutdown(): void {
        native.shutdown(id);
        const i = list.indexOf(endpoint);
        if (i >= 0) list.splice(i, 1);
      },
    });
    list.push(endpoint);
    return endpoint;
  }

  // ---- sending -------------------------------------------------------------

  /** Sends `message`, waiting while the socket cannot take it. See `Socket.send`. */
  protected doSend(message: Message, opts?: OperationOptions): Promise<void> {
    if (!isMessage(message)) return Promise.reject(notAMessage('message'));
    return this.#send(message, undefined, opts, 'nn_send');
  }

  /**
   * Sends a body with its SP header (`nn_sendmsg`), waiting while the socket
   * cannot take it; shares the queue, order and timeouts of `doSend`.
   * See `Socket.sendMessage`.
   */
  protected doSendMessage(m: RawMessageInit, opts?: OperationOptions): Promise<void> {
    if (m === null || typeof m !== 'object') {
      return Promise.reject(new TypeError('message must be an object { body, header }'));
    }
    const { body, header } = m;
    if (!isMessage(body)) return Promise.reject(notAMessage('body'));
    if (!isBytes(header)) {
      return Promise.reject(
        new TypeError('header must be a Buffer, TypedArray, DataView or ArrayBuffer'),
      );
    }
    // A cooked socket's protocol writes the header itself: libnanomsg 1.1.5
    // aborts the process (REQ, REP, SURVEYOR, RESPONDENT) or fails with EINVAL
    // (BUS) when one is given, so the binding refuses it for every cooked socket.
    if (!this.raw && header.byteLength > 0) {
      return Promise.reject(
        nnError(
          'EINVAL',
          'nn_sendmsg',
          'only a raw socket takes an SP header; a cooked one writes its own',
        ),
      );
    }
    return this.#send(body, header, opts, 'nn_sendmsg');
  }

  #send(
    message: Message,
    header: ArrayBufferView | ArrayBuffer | undefined,
    opts: OperationOptions | undefined,
    syscall: string,
  ): Promise<void> {
    let checked: CheckedOperationOptions;
    try {
      checked = checkOperationOptions(opts);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = checked.signal;
    try {
      // Like Node.js APIs: an already-aborted signal rejects at once, even
      // when the socket could take the message.
      if (signal?.aborted) return Promise.reject(signal.reason);
      this.#checkUsable(syscall);
      this.#checkText(message, header, syscall);
      if (this.#senders.length === 0 && this.#sendNow(message, header)) return this.#now(undefined);
    } catch (error) {
      return Promise.reject(error);
    }
    let timeout: number;
    try {
      timeout = checked.timeout ?? (this.#sndTimeout ??= this.#getOption(sndTimeo()) as number);
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === 0) return Promise.reject(nnError('ETIMEDOUT', syscall));
    // The caller may change its bytes while the message waits: copy them, for
    // a plain send of bytes straight into a message of the library's own.
    let held: number | undefined;
    try {
      if (header === undefined && typeof message !== 'string' && message.byteLength > 0) {
        held = this.#native.hold(message);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const item: PendingSend = {
        resolve,
        reject,
        message: held === undefined ? snapshot(message) : undefined,
        held,
        header: header === undefined ? undefined : snapshot(header),
        timer: undefined,
        signal,
        onAbort: undefined,
        syscall,
      };
      this.#arm(item, this.#senders, timeout);
      this.#updateWatch();
    });
  }

  /**
   * A promise of `value` for an operation that completed at once: settled
   * now, except every RUN-th time, and after that until the event loop's next
   * turn for this socket (keeping their order), when it settles on that turn.
   */
  #now<T>(value: T): Promise<T> {
    if (this.#later === undefined) {
      if (++runLength < RUN) {
        return value === undefined ? (RESOLVED as Promise<T>) : Promise.resolve(value);
      }
      runLength = 0;
      const later: (() => void)[] = [];
      this.#later = later;
      setImmediate(() => {
        this.#later = undefined;
        for (const settle of later) settle();
      });
    }
    const later = this.#later;
    return new Promise<T>((resolve) => later.push(() => resolve(value)));
  }

  /**
   * One attempt at the library: true when it took the message (or, with
   * `held`, the socket's native copy of it).
   */
  #sendNow(
    message: Message | undefined,
    header: ArrayBufferView | ArrayBuffer | undefined,
    held?: number,
  ): boolean {
    const sent =
      held !== undefined
        ? this.#native.sendHeld(held)
        : header === undefined
          ? this.#native.send(message!)
          : this.#native.sendMsg(message!, header);
    if (sent && this.#newExchangeOnSend) this.#inbox.takeAll();
    return sent;
  }

  /** Sends `message` if the socket can take it now. See `Socket.trySend`. */
  protected doTrySend(message: Message): boolean {
    if (!isMessage(message)) {
      throw notAMessage('message');
    }
    this.#checkUsable('nn_send');
    this.#checkText(message, undefined, 'nn_send');
    if (this.#senders.length > 0) return false;
    return this.#sendNow(message, undefined);
  }

  /**
   * Refuses bytes that are not valid UTF-8 on a socket whose ws frames are
   * text: the peer would drop the frame and the connection, for good. Strings
   * are always valid; a binary socket pays one field read.
   */
  #checkText(
    message: Message,
    header: ArrayBufferView | ArrayBuffer | undefined,
    syscall: string,
  ): void {
    const noHeader = header === undefined || header.byteLength === 0;
    if (typeof message === 'string' && noHeader) return;
    if (!(this.#wsText ??= lib().features.websocket === true && this.wsMessageType === 'text')) {
      return;
    }
    // The frame carries the SP header, then the body.
    const frame = noHeader ? bytesOf(message) : Buffer.concat([bytesOf(header), bytesOf(message)]);
    if (!isUtf8(frame)) {
      throw nnError('EINVAL', syscall, 'wsMessageType is "text": the message must be valid UTF-8');
    }
  }

  #flush(): void {
    for (let item = this.#senders.peek(); item !== undefined; item = this.#senders.peek()) {
      let sent: boolean;
      try {
        sent = this.#sendNow(item.message, item.header, item.held);
        if (sent) item.held = undefined; // the library's now
      } catch (error) {
        this.#senders.shift();
        this.#settle(item);
        item.reject(error);
        continue;
      }
      if (!sent) return;
      this.#senders.shift();
      this.#settle(item);
      item.resolve();
    }
  }

  // ---- receiving -----------------------------------------------------------

  /** Receives one message, waiting until one comes. See `Socket.recv`. */
  protected doRecv(opts?: OperationOptions): Promise<Buffer> {
    return this.#receive(BODY, opts) as Promise<Buffer>;
  }

  /**
   * Receives one message with its SP header (`nn_recvmsg`), waiting until one
   * comes; shares the queue, order and timeouts of `doRecv`. On a cooked
   * socket the header is empty. See `Socket.recvMessage`.
   */
  protected doRecvMessage(opts?: OperationOptions): Promise<RawMessage> {
    return this.#receive(WITH_HEADER, opts) as Promise<RawMessage>;
  }

  #receive(kind: ReceiveKind, opts: OperationOptions | undefined): Promise<unknown> {
    const syscall = receiveSyscall(kind);
    let checked: CheckedOperationOptions;
    try {
      checked = checkOperationOptions(opts);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = checked.signal;
    try {
      // An already-aborted signal rejects at once and takes no message.
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (this.#terminated) throw this.#eterm(syscall);
      this.#checkOneExchange(syscall);
      if (this.#receivers.length === 0) {
        const ready = this.#inbox.shift() ?? (this.#closed ? undefined : this.#take(false));
        if (ready !== undefined) return this.#now(shape(ready, kind));
      }
      if (this.#closed) {
        if (kind === ITERATE) return DONE;
        throw this.#badf(syscall);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    let timeout: number;
    try {
      // Iteration waits without limit: a `for await` loop ends when the
      // socket closes, not when it has been idle for receiveTimeout.
      timeout =
        kind === ITERATE
          ? -1
          : (checked.timeout ?? (this.#rcvTimeout ??= this.#getOption(rcvTimeo()) as number));
      if (timeout === 0) {
        // Not waiting at all: look once more the way tryRecv does (past
        // messages the protocol dropped), as no watcher will.
        const late = this.#receivers.length === 0 ? this.#take(true) : undefined;
        if (late !== undefined) return this.#now(shape(late, kind));
        throw nnError('ETIMEDOUT', syscall);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const waiter: Receiver = {
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
        syscall,
        kind,
      };
      this.#arm(waiter, this.#receivers, timeout);
      this.#updateWatch();
    });
  }

  /** Receives one message if one is ready now. See `Socket.tryRecv`. */
  protected doTryRecv(): Buffer | undefined {
    if (this.#terminated) throw this.#eterm('nn_recv');
    this.#checkOneExchange('nn_recv');
    const ready = this.#inbox.shift();
    if (ready !== undefined) return shape(ready, BODY) as Buffer;
    if (this.#closed) throw this.#badf('nn_recv');
    // Callers already waiting come first.
    if (this.#receivers.length > 0) return undefined;
    const taken = this.#take(true);
    return taken === undefined ? undefined : (shape(taken, BODY) as Buffer);
  }

  /**
   * Takes what the library has ready: the first message, the rest into the
   * inbox. `retry`: look past messages the protocol dropped (a SUB's filter)
   * while NN_RCVFD still signals; a caller that watches NN_RCVFD next passes
   * false, as the watcher then fires at once.
   */
  #take(retry: boolean): Received | undefined {
    if (this.raw) {
      const batch = this.#native.recvMsgMany(this.#batch);
      for (let i = 1; i < batch.length; i++) this.#inbox.push(batch[i]!);
      return batch[0];
    }
    // Small messages are copied into the shared pool, each as a 32-bit
    // little-endian length then its bytes, and handed out as views of it.
    if (pool === undefined || pool.length - poolAt < POOL_MIN_FREE) {
      pool = Buffer.allocUnsafeSlow(POOL_SIZE);
      // As Node.js does for its own Buffer pool: transferring one message's
      // `buffer` (postMessage, structuredClone) would detach the pool and
      // empty every other message in it. Node.js copies it instead.
      markAsUntransferable(pool.buffer);
      poolAt = 0;
    }
    const into = pool;
    const from = poolAt;
    const got = this.#native.recvInto(into, from, this.#batch, retry);
    if (got === undefined) return undefined;
    if (typeof got === 'number') return this.#cut(into, from, got);
    if (!Array.isArray(got)) return got;
    const first = this.#cut(into, from, got[0]);
    this.#inbox.push(got[1]);
    return first;
  }

  /** The messages the library wrote into `into` from `from` to `end`: the first, the rest into the inbox. */
  #cut(into: Buffer, from: number, end: number): Buffer {
    poolAt = end;
    const length = into.readUInt32LE(from);
    const first = into.subarray(from + 4, from + 4 + length);
    for (let at = from + 4 + length; at < end;) {
      const n = into.readUInt32LE(at);
      this.#inbox.push(into.subarray(at + 4, at + 4 + n));
      at += 4 + n;
    }
    return first;
  }

  #deliver(): void {
    let budget = BATCH * 4;
    while (this.#receivers.length > 0) {
      let message = this.#inbox.shift();
      if (message === undefined) {
        if (budget <= 0) return;
        try {
          message = this.#take(false);
        } catch (error) {
          const waiter = this.#receivers.shift()!;
          this.#settle(waiter);
          waiter.reject(error);
          continue;
        }
        if (message === undefined) return;
        budget -= this.#inbox.length + 1;
      }
      const waiter = this.#receivers.shift()!;
      this.#settle(waiter);
      waiter.resolve(shape(message, waiter.kind));
    }
  }

  /**
   * Lets waiting receivers ask the library again now: for protocols whose
   * library state changes without a readiness event (a survey's deadline).
   */
  protected wakeReceivers(): void {
    if (this.#closed || this.#terminated) return;
    this.#deliver();
    this.#updateWatch();
  }

  /**
   * The messages received, for `for await`: waits for each without limit
   * (`receiveTimeout` does not apply) and ends when the socket is closed.
   * See `Socket[Symbol.asyncIterator]`.
   */
  protected doIterate(): AsyncIterableIterator<Buffer> {
    const iterator: AsyncIterableIterator<Buffer> = {
      next: () => this.#receive(ITERATE, undefined) as Promise<IteratorResult<Buffer, undefined>>,
      return: () => DONE,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  // ---- waiting -------------------------------------------------------------

  /** Queues `waiter` and arms its timeout and signal, which take it out of `queue` again. */
  #arm<T extends Waiter<never> | Waiter<unknown>>(
    waiter: T,
    queue: Queue<T>,
    timeout: number,
  ): void {
    const entry = queue.push(waiter);
    if (timeout > 0) {
      waiter.timer = setTimeout(() => {
        if (queue.remove(entry)) {
          this.#settle(waiter);
          expire(waiter as Waiter<never>);
          this.#updateWatch();
        }
      }, timeout);
    }
    const signal = waiter.signal;
    if (signal !== undefined) {
      waiter.onAbort = () => {
        if (queue.remove(entry)) {
          this.#settle(waiter);
          waiter.reject(signal.reason);
          this.#updateWatch();
        }
      };
      watchAbort(signal, waiter.onAbort);
    }
  }

  #settle(waiter: Waiter<never> | Waiter<unknown>): void {
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) unwatchAbort(waiter.signal!, waiter.onAbort);
    // A send that will not happen frees its native copy (close frees them all).
    const held = (waiter as Partial<PendingSend>).held;
    if (held !== undefined) {
      (waiter as PendingSend).held = undefined;
      this.#native.discard(held);
    }
  }

  #ready(events: number): void {
    const { readable, writable, terminated } = bits;
    if (events & terminated) {
      this.#onTerminated();
      return;
    }
    // A kept watcher that fired for nobody stops now.
    const forNobody = events & ~this.#watching & (readable | writable);
    if (events & readable) this.#deliver();
    if (events & writable) this.#flush();
    this.#wakePollers(events);
    this.#updateWatch(forNobody);
  }

  #wakePollers(events: number): void {
    if (this.#pollers.size === 0) return;
    for (const poller of [...this.#pollers]) {
      if (poller.events & events && this.#pollers.has(poller)) poller.wake();
    }
  }

  /**
   * Starts or stops the native watchers to match who waits. When the last
   * waiter of a kind goes, its watcher is kept running (without keeping the
   * process alive), since most callers wait again soon (a receive loop, a
   * sender held back by a full pipe): stopping and restarting it costs two
   * epoll_ctl calls per wait. A kept watcher stops for good when it fires
   * with nobody waiting (its bit in `stop`).
   */
  #updateWatch(stop = 0): void {
    if (this.#closed || this.#terminated) return;
    const { readable, writable } = bits;
    let want =
      (this.#receivers.length > 0 ? readable : 0) | (this.#senders.length > 0 ? writable : 0);
    for (const poller of this.#pollers) want |= poller.events;
    if (want === this.#watching && (stop & this.#kept) === 0) return;
    const running = this.#watching | this.#kept;
    const keep = (readable | writable) & ~stop;
    this.#native.watch(want, keep);
    this.#watching = want;
    this.#kept = running & ~want & keep;
  }

  /**
   * On a one-exchange socket, a second receive while one is pending would
   * take the next request and with it the return path of the reply the first
   * caller is about to send: refused with EFSM.
   */
  #checkOneExchange(syscall: string): void {
    if (this.#oneExchange && this.#receivers.length > 0) {
      throw nnError('EFSM', syscall, 'another receive is pending: one exchange at a time');
    }
  }

  /** Throws unless the socket may still be used. */
  #checkUsable(syscall: string): void {
    if (this.#terminated) throw this.#eterm(syscall);
    if (this.#closed) throw this.#badf(syscall);
  }

  #badf(syscall: string) {
    return nnError('EBADF', syscall, 'socket closed');
  }

  #eterm(syscall: string) {
    return nnError('ETERM', syscall, 'terminate() was called');
  }

  /** The ready bits among `events` now: what `poll` reports. */
  #readiness(events: number): number {
    this.#checkUsable('nn_poll');
    const { readable, writable } = bits;
    const want = events & (readable | writable);
    if (want === 0) return 0;
    const ready = this.#native.poll(want);
    let out = 0;
    // Messages already taken from the library count; callers already waiting
    // get them first.
    if (
      want & readable &&
      this.#receivers.length === 0 &&
      (this.#inbox.length > 0 || ready & readable)
    ) {
      out |= readable;
    }
    if (want & writable && this.#senders.length === 0 && ready & writable) out |= writable;
    return out;
  }

  static {
    internalsOf = (socket) => ({
      native: socket.#native,
      readiness: (events) => socket.#readiness(events),
      addPoller: (poller) => {
        socket.#checkUsable('nn_poll');
        socket.#pollers.add(poller);
        try {
          socket.#updateWatch();
        } catch (error) {
          socket.#pollers.delete(poller);
          throw error;
        }
      },
      removePoller: (poller) => {
        if (socket.#pollers.delete(poller)) socket.#updateWatch();
      },
    });
  }

  /** `terminate()` was called: everything pending fails with `'ETERM'`, and so does every later call. */
  #onTerminated(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    this.#watching = 0; // the native side stopped the watchers
    this.#inbox.takeAll();
    for (const waiter of this.#receivers.takeAll()) {
      this.#settle(waiter);
      waiter.reject(this.#eterm(waiter.syscall));
    }
    for (const item of this.#senders.takeAll()) {
      this.#settle(item);
      item.reject(this.#eterm(item.syscall));
    }
    this.#wakePollers(bits.readable | bits.writable);
  }

  // ---- lifetime ------------------------------------------------------------

  /**
   * Closes the socket (`nn_close`, run off the event loop). The socket is
   * `closed` at once; pending `send`/`recv` reject with code `'EBADF'`,
   * iterators end, a `device` using it stops (its promise rejects with
   * `'EBADF'`), and later calls fail with `'EBADF'`. Resolves when the
   * library has released the socket. Calling it again is harmless.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    unclosed.unregister(this);
    this.#watching = 0;
    const closing = this.#native.close();
    this.#closing = closing;
    this.#endpoints.length = 0; // nn_close removes them
    this.#inbox.takeAll();
    for (const waiter of this.#receivers.takeAll()) {
      this.#settle(waiter);
      if (waiter.kind === ITERATE) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(this.#badf(waiter.syscall));
    }
    for (const item of this.#senders.takeAll()) {
      this.#settle(item);
      item.reject(this.#badf(item.syscall));
    }
    this.#wakePollers(bits.readable | bits.writable);
    this.#pollers.clear();
    return closing;
  }

  /** `await using sock = new Pair()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- options -------------------------------------------------------------

  #getOption(spec: OptionSpec): number | boolean | string {
    const { info, level } = spec;
    const raw =
      info.type === 'string'
        ? this.#native.getStringOption(level, info.value)
        : this.#native.getIntOption(level, info.value);
    return decodeOption(spec, raw);
  }

  #setOption(spec: OptionSpec, value: unknown): void {
    this.#rcvTimeout = this.#sndTimeout = this.#wsText = undefined;
    const encoded = encodeOption(spec, value);
    const { info, level } = spec;
    if (typeof encoded === 'number') {
      this.#native.setIntOption(level, info.value, encoded);
      return;
    }
    const subscription = this.#subscription(spec, encoded);
    if (subscription === undefined) {
      this.#native.setBytesOption(level, info.value, encoded);
      return;
    }
    const count = this.#topics.get(subscription.key) ?? 0;
    if (!subscription.add && count === 0) {
      // libnanomsg 1.1.5 crashes unsubscribing on a SUB with no subscription,
      // and silently ignores an unknown topic otherwise.
      throw nnError('EINVAL', 'nn_setsockopt', 'no such subscription');
    }
    this.#native.setBytesOption(level, info.value, encoded);
    if (subscription.add) this.#topics.set(subscription.key, count + 1);
    else if (count > 1) this.#topics.set(subscription.key, count - 1);
    else {
      this.#topics.delete(subscription.key);
      // The library filters when a message is received: messages fetched
      // ahead that no longer match are dropped as it would drop them.
      const topics = [...this.#topics.keys()];
      this.#inbox.retain((m) => {
        const body = (Buffer.isBuffer(m) ? m : m.body).toString('latin1');
        return topics.some((t) => body.startsWith(t));
      });
    }
  }

  /**
   * For NN_SUB_SUBSCRIBE / NN_SUB_UNSUBSCRIBE on a SUB socket: the topic's
   * bytes as a key, and whether it is added. The library counts repeated
   * subscriptions to one topic, and so does `#topics`.
   */
  #subscription(
    spec: OptionSpec,
    value: string | ArrayBufferView,
  ): { key: string; add: boolean } | undefined {
    const name = spec.info.name;
    if (this.protocol !== 'NN_SUB' || spec.level !== symbol('NN_SUB')) return undefined;
    if (name !== 'NN_SUB_SUBSCRIBE' && name !== 'NN_SUB_UNSUBSCRIBE') return undefined;
    const bytes =
      typeof value === 'string'
        ? Buffer.from(value, 'utf8')
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { key: bytes.toString('latin1'), add: name === 'NN_SUB_SUBSCRIBE' };
  }

  /**
   * Reads any option by its nanomsg name (`nn_getsockopt`). The level is
   * inferred (`NN_SOL_SOCKET`, or `NN_TCP` for `NN_TCP_*`, `NN_SUB` for
   * `NN_SUB_*`, ...) unless given as a symbol name.
   * @example
   * ```ts
   * sock.getOption('NN_SNDBUF'); // 131072
   * sock.getOption('NN_TCP_NODELAY'); // false
   * ```
   */
  getOption<N extends keyof OptionTypes>(name: N, level?: string): OptionTypes[N];
  getOption(name: string, level?: string): number | boolean | string;
  getOption(name: string, level?: string): number | boolean | string {
    return this.#getOption(optionSpec(name, 'nn_getsockopt', level));
  }

  /**
   * Sets any option by its nanomsg name (`nn_setsockopt`), checked against the
   * symbol table's type and unit. Integers, booleans for boolean options, and
   * strings or bytes for string options (`NN_SUB_SUBSCRIBE`).
   * @throws TypeError for a value of the wrong type; RangeError, before the
   * library is called, for a value outside the option's range where the
   * binding knows it (`NN_SNDPRIO` 1–16, `NN_MAXTTL` 1–255, `NN_RECONNECT_IVL`
   * from 1, ...: see the option properties)
   */
  setOption(name: string, value: OptionValue, level?: string): void {
    this.#setOption(optionSpec(name, 'nn_setsockopt', level), value);
  }

  /** Reads an option for a property accessor of this class or a subclass. */
  protected option(name: string): number | boolean | string {
    return this.#getOption(optionSpec(name, 'nn_getsockopt'));
  }

  /** Writes an option for a property accessor of this class or a subclass. */
  protected setOptionValue(name: string, value: unknown): void {
    this.#setOption(optionSpec(name, 'nn_setsockopt'), value);
  }

  /** `NN_LINGER` (ms). Accepted but ignored by nanomsg 1.1, which reads back 0. */
  get linger(): number {
    return this.option('NN_LINGER') as number;
  }
  /** Sets `NN_LINGER` (`nn_setsockopt`), checked against the symbol table first. */
  set linger(value: number) {
    this.setOptionValue('NN_LINGER', value);
  }
  /** `NN_SNDBUF` (bytes, 1 or more; default 128 KiB): what the library buffers for sending. */
  get sendBufferSize(): number {
    return this.option('NN_SNDBUF') as number;
  }
  /** Sets `NN_SNDBUF` (`nn_setsockopt`), checked against the symbol table first. */
  set sendBufferSize(value: number) {
    this.setOptionValue('NN_SNDBUF', value);
  }
  /** `NN_RCVBUF` (bytes, 1 or more; default 128 KiB): what the library buffers for receiving. */
  get receiveBufferSize(): number {
    return this.option('NN_RCVBUF') as number;
  }
  /** Sets `NN_RCVBUF` (`nn_setsockopt`), checked against the symbol table first. */
  set receiveBufferSize(value: number) {
    this.setOptionValue('NN_RCVBUF', value);
  }
  /** `NN_SNDTIMEO` (ms, -1 = no limit): the default `timeout` of `send`. */
  get sendTimeout(): number {
    return this.option('NN_SNDTIMEO') as number;
  }
  /** Sets `NN_SNDTIMEO` (`nn_setsockopt`), checked against the symbol table first. */
  set sendTimeout(value: number) {
    this.setOptionValue('NN_SNDTIMEO', value);
  }
  /** `NN_RCVTIMEO` (ms, -1 = no limit): the default `timeout` of `recv`. */
  get receiveTimeout(): number {
    return this.option('NN_RCVTIMEO') as number;
  }
  /** Sets `NN_RCVTIMEO` (`nn_setsockopt`), checked against the symbol table first. */
  set receiveTimeout(value: number) {
    this.setOptionValue('NN_RCVTIMEO', value);
  }
  /**
   * `NN_RECONNECT_IVL` (ms, 1 or more; default 100): wait before reconnecting
   * a broken or failed connection. 0 is a RangeError: libnanomsg would retry
   * without pause, one core at 100% (about 27,000 attempts a second against a
   * closed port); 1 still makes about 850 a second.
   */
  get reconnectInterval(): number {
    return this.option('NN_RECONNECT_IVL') as number;
  }
  /** Sets `NN_RECONNECT_IVL` (`nn_setsockopt`), checked against the symbol table first. */
  set reconnectInterval(value: number) {
    this.setOptionValue('NN_RECONNECT_IVL', value);
  }
  /**
   * `NN_RECONNECT_IVL_MAX` (ms, 0 or more; default 0 = no back-off, every
   * retry waits `reconnectInterval`): above `reconnectInterval`, the wait
   * doubles after each failed attempt up to this cap. A value below
   * `reconnectInterval` becomes the wait itself in libnanomsg 1.1.5 (its man
   * page says such a value is ignored).
   */
  get reconnectIntervalMax(): number {
    return this.option('NN_RECONNECT_IVL_MAX') as number;
  }
  /** Sets `NN_RECONNECT_IVL_MAX` (`nn_setsockopt`), checked against the symbol table first. */
  set reconnectIntervalMax(value: number) {
    this.setOptionValue('NN_RECONNECT_IVL_MAX', value);
  }
  /** `NN_SNDPRIO` (1 = highest … 16): priority of endpoints added afterwards for sending. */
  get sendPriority(): number {
    return this.option('NN_SNDPRIO') as number;
  }
  /** Sets `NN_SNDPRIO` (`nn_setsockopt`), checked against the symbol table first. */
  set sendPriority(value: number) {
    this.setOptionValue('NN_SNDPRIO', value);
  }
  /** `NN_RCVPRIO` (1 = highest … 16): priority of endpoints added afterwards for receiving. */
  get receivePriority(): number {
    return this.option('NN_RCVPRIO') as number;
  }
  /** Sets `NN_RCVPRIO` (`nn_setsockopt`), checked against the symbol table first. */
  set receivePriority(value: number) {
    this.setOptionValue('NN_RCVPRIO', value);
  }
  /** `NN_IPV4ONLY`: only IPv4 addresses (default true). */
  get ipv4Only(): boolean {
    return this.option('NN_IPV4ONLY') as boolean;
  }
  /** Sets `ipv4Only` (`nn_setsockopt`), checked against the symbol table first. */
  set ipv4Only(value: boolean) {
    this.setOptionValue('NN_IPV4ONLY', value);
  }
  /** `NN_SOCKET_NAME` (at most 63 bytes): the socket's name in statistics and debugging output. */
  get name(): string {
    return this.option('NN_SOCKET_NAME') as string;
  }
  /** Sets `NN_SOCKET_NAME` (`nn_setsockopt`), checked against the symbol table first. */
  set name(value: string) {
    if (typeof value !== 'string') throw new TypeError('name must be a string');
    this.setOptionValue('NN_SOCKET_NAME', value);
  }
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
  get receiveMaxSize(): number {
    return this.option('NN_RCVMAXSIZE') as number;
  }
  /** Sets `NN_RCVMAXSIZE` (`nn_setsockopt`), checked against the symbol table first. */
  set receiveMaxSize(value: number) {
    this.setOptionValue('NN_RCVMAXSIZE', value);
  }
  /** `NN_MAXTTL` (1–255): hops a message may take through devices. */
  get maxTtl(): number {
    this.#require('maxTtl', 'nn_getsockopt');
    return this.option('NN_MAXTTL') as number;
  }
  /** Sets `NN_MAXTTL` (`nn_setsockopt`), checked against the symbol table first. */
  set maxTtl(value: number) {
    this.#require('maxTtl', 'nn_setsockopt');
    this.setOptionValue('NN_MAXTTL', value);
  }
  /** `NN_TCP_NODELAY` at level `NN_TCP`: disable Nagle's algorithm. */
  get tcpNoDelay(): boolean {
    return this.option('NN_TCP_NODELAY') as boolean;
  }
  /** Sets `NN_TCP_NODELAY` (`nn_setsockopt`), checked against the symbol table first. */
  set tcpNoDelay(value: boolean) {
    this.setOptionValue('NN_TCP_NODELAY', value);
  }
  /**
   * `NN_WS_MSG_TYPE` at level `NN_WS`: frames sent over `ws://` as text or
   * binary. A text socket sends valid UTF-8 only: `send`, `trySend` and
   * `sendMessage` refuse other bytes with `'EINVAL'` before the library sees
   * them (the peer would drop the frame and the connection with it).
   */
  get wsMessageType(): 'text' | 'binary' {
    this.#require('websocket', 'nn_getsockopt');
    return this.option('NN_WS_MSG_TYPE') === symbol('NN_WS_MSG_TYPE_TEXT') ? 'text' : 'binary';
  }
  /** Sets `NN_WS_MSG_TYPE` (`nn_setsockopt`), checked against the symbol table first. */
  set wsMessageType(value: 'text' | 'binary') {
    this.#require('websocket', 'nn_setsockopt');
    if (value !== 'text' && value !== 'binary')
      throw new TypeError('wsMessageType must be "text" or "binary"');
    this.setOptionValue(
      'NN_WS_MSG_TYPE',
      symbol(value === 'text' ? 'NN_WS_MSG_TYPE_TEXT' : 'NN_WS_MSG_TYPE_BINARY'),
    );
  }

  #require(feature: string, syscall: string): void {
    if (lib().features[feature] !== true)
      throw nnError('ENOTSUP', syscall, `the loaded libnanomsg lacks ${feature}`);
  }

  /**
   * Every `NN_STAT_*` counter of the socket (`nn_get_statistic`), keyed by
   * camelCase name without the prefix: `messagesSent`, `bytesReceived`,
   * `currentConnections`, ...
   * @throws NanomsgError `'ENOTSUP'` when the library has no statistics.
   */
  statistics(): Record<string, number> {
    this.#require('statistics', 'nn_get_statistic');
    const out: Record<string, number> = {};
    for (const s of statisticSymbols()) out[s.key] = this.#native.statistic(s.value);
    return out;
  }
}

let statList: { key: string; value: number }[] | undefined;
function statisticSymbols(): { key: string; value: number }[] {
  statList ??= lib()
    .list.filter((s) => s.namespace === 'NN_NS_STATISTIC')
    .map((s) => ({ key: camelCase(s.name.replace(/^NN_STAT_/, '')), value: s.value }));
  return statList;
}

let sndTimeoSpec: OptionSpec | undefined;
let rcvTimeoSpec: OptionSpec | undefined;
function sndTimeo(): OptionSpec {
  return (sndTimeoSpec ??= optionSpec('NN_SNDTIMEO', 'nn_getsockopt'));
}
function rcvTimeo(): OptionSpec {
  return (rcvTimeoSpec ??= optionSpec('NN_RCVTIMEO', 'nn_getsockopt'));
}

/**
 * A nanomsg socket of any protocol, with every operation public. The protocol
 * packages (`@nanomsg-ts/pair`, `pubsub`, ...) give typed classes that expose
 * only what their protocol can do.
 *
 * A process may have at most 512 nanomsg sockets open (libnanomsg's limit);
 * the next one fails with `'EMFILE'` ("Too many open files"), and a closed
 * socket's slot is free only once its `close()` has settled.
 *
 * @example
 * ```ts
 * import { Socket } from '@nanomsg-ts/core';
 * const a = new Socket('NN_PAIR'); a.bind('inproc://x');
 * const b = new Socket('NN_PAIR'); b.connect('inproc://x');
 * await a.send('hello');
 * console.log((await b.recv()).toString()); // hello
 * ```
 */
export class Socket extends SocketBase {
  /**
   * Sends a message (`nn_send`). Strings are sent as UTF-8. Resolves once the
   * library accepted the message; while the socket cannot take it the promise
   * waits, without blocking the event loop, and sends keep their order.
   * A message that has to wait is copied first, so the caller may reuse its
   * buffer at once.
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'EFSM'` where the protocol forbids it,
   * `'EINVAL'` for bytes that are not UTF-8 when `wsMessageType` is `'text'`
   */
  send(message: Message, opts?: OperationOptions): Promise<void> {
    return this.doSend(message, opts);
  }

  /**
   * Receives one message (`nn_recv` with `NN_MSG`) as a Buffer. Several
   * pending `recv` calls are served in the order they were made.
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'EFSM'` where the protocol forbids it
   */
  recv(opts?: OperationOptions): Promise<Buffer> {
    return this.doRecv(opts);
  }

  /** Sends now if the socket can take the message (`NN_DONTWAIT`); `false` means it would block. */
  trySend(message: Message): boolean {
    return this.doTrySend(message);
  }

  /**
   * Receives a message that is ready now (`NN_DONTWAIT`); `undefined` means
   * none is, or earlier `recv` calls wait for it.
   * @throws NanomsgError `'EFSM'` while a `recv` is pending on a socket that
   * handles one exchange at a time (a cooked REP or RESPONDENT)
   */
  tryRecv(): Buffer | undefined {
    return this.doTryRecv();
  }

  /**
   * Receives one message with its SP header (`nn_recvmsg` with control data
   * at level `PROTO_SP`, type `SP_HDR`), for devices written in TypeScript on
   * raw sockets. Waits, orders, times out and cancels like `recv`, in the same
   * queue. On a cooked socket the header is empty: its protocol consumed it
   * (that is what the library's `nn_recvmsg` gives there).
   * @throws (rejects) NanomsgError `'ETIMEDOUT'`, `'EBADF'` after close, `'ETERM'` after terminate
   * @example
   * ```ts
   * const front = new Socket('NN_REP', { raw: true }); // clients' REQ connect here
   * const back = new Socket('NN_REQ', { raw: true }); // workers' REP connect here
   * for (;;) await back.sendMessage(await front.recvMessage());
   * ```
   */
  recvMessage(opts?: OperationOptions): Promise<RawMessage> {
    return this.doRecvMessage(opts);
  }

  /**
   * Sends a body with its SP header (`nn_sendmsg` with control data), e.g. a
   * reply with the header its request came with. Waits and orders like
   * `send`, in the same queue.
   * @throws (rejects) NanomsgError `'EINVAL'` for a non-empty header on a cooked
   * socket (whose protocol writes its own header; the library would abort or
   * fail), `'ETIMEDOUT'`, `'EBADF'` after close, `'ETERM'` after terminate
   */
  sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void> {
    return this.doSendMessage(message, opts);
  }

  /**
   * Yields every message received, in the queue of `recv`. Waits for each
   * message without limit (`receiveTimeout` applies to `recv`, not here) and
   * completes, without throwing, when the socket is closed; `break` leaves the
   * socket open. Other failures (`'EFSM'` where the protocol forbids a
   * receive, `'ETERM'`) are thrown.
   * @example
   * ```ts
   * for await (const m of sock) console.log(m.toString()); // until sock.close()
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this.doIterate();
  }
}
