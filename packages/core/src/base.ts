// SocketBase: a socket's life (open, endpoints, close, terminate), and the
// parts it owns, one concern each: options (option-values.ts), the send and
// receive queues, the readiness watch and the next-turn scheduler.
import { mixedFamilies, mixedFamiliesError } from './address.js';
import { checkString } from './args.js';
import { badf, checkUsable, eterm, type Lifecycle } from './lifecycle.js';
import type { NativeSocket } from './native.js';
import {
  applySocketOptions,
  checkSocketOptions,
  defineOptionProperties,
  requireFeature,
  socketOptionTable,
  type SocketOptionProperties,
  type SocketOptions,
} from './option-properties.js';
import { OptionValues } from './option-values.js';
import { optionSpec, type OptionTypes, type OptionValue } from './options.js';
import { traitsOf } from './protocols.js';
import { BODY, DONE, ITERATE, ReceiveQueue, WITH_HEADER, type Consumer } from './receive-queue.js';
import { SendQueue } from './send-queue.js';
import { Subscriptions } from './subscriptions.js';
import { lib, nnError, statisticSymbols, symbol } from './symbols.js';
import { Turns } from './turns.js';
import type {
  Endpoint,
  Message,
  OperationOptions,
  ProtocolName,
  RawMessage,
  RawMessageInit,
} from './types.js';
import { readyBits, Watch, type Poller, type ReadyBits } from './watch.js';

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

// Sockets collected unclosed are closed off the JavaScript thread.
const unclosed = /* @__PURE__ */ new FinalizationRegistry<NativeSocket>((native) => {
  native.close().catch(() => {});
});

// The option properties (SocketOptionProperties, documented there) are
// accessors that `defineOptionProperties` makes from `socketOptionTable`.
export interface SocketBase extends SocketOptionProperties {}

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

  readonly #native: NativeSocket;
  /**
   * The addon's callback, held here: the addon references it weakly while
   * nothing is watched, so without this it could be collected meanwhile.
   */
  readonly #onReady = (events: number): void => this.#ready(events);
  readonly #state: Lifecycle = { closed: false, terminated: false };
  #closing: Promise<void> | undefined;
  readonly #endpoints: Endpoint[] = [];
  readonly #bits: ReadyBits;
  readonly #turns = new Turns();
  readonly #options: OptionValues;
  readonly #watch: Watch;
  readonly #out: SendQueue;
  readonly #in: ReceiveQueue;

  /**
   * Opens a socket (`nn_socket`).
   * @param protocol - a protocol symbol name of the loaded library (`NN_NS_PROTOCOL`)
   * @param options - `raw` and initial values of option properties
   * @throws NanomsgError `'EMFILE'` when 512 sockets are open, libnanomsg's
   * limit per process (or when the process is out of file descriptors). A
   * closed socket keeps its slot until its `close()` has settled, so after
   * many `close()` calls not awaited, opening a socket can fail for a while:
   * await `close()` where sockets come and go.
   */
  constructor(protocol: ProtocolName, options: SocketOptions = {}) {
    checkString(protocol, 'protocol');
    const raw = checkSocketOptions(Object.getPrototypeOf(this) as object, options);
    const t = lib();
    const info = t.byName.get(protocol);
    if (info === undefined || info.namespace !== 'NN_NS_PROTOCOL') {
      throw nnError('EINVAL', 'nn_socket', `unknown protocol ${JSON.stringify(protocol)}`);
    }
    this.protocol = protocol;
    this.raw = raw;
    this.#bits = readyBits();
    const native = new t.native.Socket(
      symbol(raw ? 'AF_SP_RAW' : 'AF_SP'),
      info.value,
      this.#onReady,
    );
    this.#native = native;
    this.id = native.id;
    // Read-only at run time as well: the binding's own checks rely on them
    // (a cooked socket must never pass an SP header to the library).
    for (const key of ['protocol', 'raw', 'id']) {
      Object.defineProperty(this, key, { writable: false, configurable: false });
    }
    const subscriptions = Subscriptions.of(protocol);
    this.#options = new OptionValues(native, subscriptions, () =>
      this.#in.retain((body) => subscriptions!.matches(body)),
    );
    this.#watch = new Watch(native);
    const traits = traitsOf(protocol, raw, native);
    const host = {
      native,
      raw,
      options: this.#options,
      turns: this.#turns,
      state: this.#state,
      changed: () => this.#update(),
      sent: traits.sendStartsExchange ? () => this.#in.dropAhead() : undefined,
    };
    this.#out = new SendQueue(host);
    this.#in = new ReceiveQueue(host, traits);
    unclosed.register(this, native, this);
    try {
      applySocketOptions(this, options);
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#state.closed;
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
   * and `'EISCONN'` for a PAIR endpoint over inproc that libnanomsg could not take (see `Pair`)
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
   * and `'EISCONN'` for a PAIR endpoint over inproc that libnanomsg could not take (see `Pair`);
   * `'EINVAL'` too for a tcp or ws address with an IPv4 literal (or any other
   * family than the local address's) while `ipv4Only` is false, which
   * libnanomsg 1.1.5 would accept and then crash on
   */
  connect(address: string): Endpoint {
    checkString(address, 'address');
    if (mixedFamilies(address) && this.getOption('NN_IPV4ONLY') === false) {
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

  // ---- the operations, made public by the subclasses --------------------------

  /** Sends `message`, waiting while the socket cannot take it. See `Socket.send`. */
  protected doSend(message: Message, opts?: OperationOptions): Promise<void> {
    return this.#out.send(message, opts);
  }

  /**
   * Sends a body with its SP header (`nn_sendmsg`), waiting while the socket
   * cannot take it; shares the queue, order and timeouts of `doSend`.
   * See `Socket.sendMessage`.
   */
  protected doSendMessage(m: RawMessageInit, opts?: OperationOptions): Promise<void> {
    return this.#out.sendMessage(m, opts);
  }

  /** Sends `message` if the socket can take it now. See `Socket.trySend`. */
  protected doTrySend(message: Message): boolean {
    return this.#out.trySend(message);
  }

  /** Receives one message, waiting until one comes. See `Socket.recv`. */
  protected doRecv(opts?: OperationOptions): Promise<Buffer> {
    return this.#in.receive(BODY, opts) as Promise<Buffer>;
  }

  /**
   * Receives one message with its SP header (`nn_recvmsg`), waiting until one
   * comes; shares the queue, order and timeouts of `doRecv`. On a cooked
   * socket the header is empty. See `Socket.recvMessage`.
   */
  protected doRecvMessage(opts?: OperationOptions): Promise<RawMessage> {
    return this.#in.receive(WITH_HEADER, opts) as Promise<RawMessage>;
  }

  /** Receives one message if one is ready now. See `Socket.tryRecv`. */
  protected doTryRecv(): Buffer | undefined {
    return this.#in.tryRecv();
  }

  /**
   * The messages received, for `for await`: waits for each without limit
   * (`receiveTimeout` does not apply) and ends when the socket is closed.
   * See `Socket[Symbol.asyncIterator]`.
   */
  protected doIterate(): AsyncIterableIterator<Buffer> {
    const iterator: AsyncIterableIterator<Buffer> = {
      next: () =>
        this.#in.receive(ITERATE, undefined) as Promise<IteratorResult<Buffer, undefined>>,
      return: () => DONE,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Hands every message received to `consumer`, with its header,
   * synchronously as it comes and while it has room; `undefined` stops. For
   * classes that run many exchanges on one raw socket (`ExchangeSocket`):
   * one call per message instead of one promise. Call it again with the same
   * consumer when its room came back. On a closed or terminated socket the
   * consumer is stopped at once.
   */
  protected consume(consumer: Consumer | undefined): void {
    const state = this.#state;
    if (consumer !== undefined && (state.closed || state.terminated)) {
      consumer.stop(state.terminated ? eterm('nn_recvmsg') : badf('nn_recvmsg'));
      return;
    }
    this.#in.consume(consumer);
    this.#update();
  }

  /** The socket's `sendTimeout` or `receiveTimeout` (ms, -1 = no limit), read without a library call when unchanged. */
  protected defaultTimeout(of: 'send' | 'receive'): number {
    return of === 'send' ? this.#options.sendTimeout() : this.#options.receiveTimeout();
  }

  /** Throws `'ETERM'` after `terminate()`, then `'EBADF'` once closed: for operations subclasses add. */
  protected checkOpen(syscall: string): void {
    checkUsable(this.#state, syscall);
  }

  // ---- readiness -------------------------------------------------------------

  /** The addon's watcher fired: `events` may be ready, or `terminate()` was called. */
  #ready(events: number): void {
    const { readable, writable, terminated } = this.#bits;
    if (events & terminated) {
      this.#onTerminated();
      return;
    }
    // The event loop had a turn: immediate completions start a new run.
    this.#turns.reset();
    const unwanted = this.#watch.unwanted(events);
    if (events & readable) this.#in.deliver();
    if (events & writable) this.#out.flush();
    this.#watch.wake(events);
    this.#update(unwanted);
  }

  /** Watches what the waiting operations and pollers need; kept watchers in `stop` stop. */
  #update(stop = 0): void {
    if (this.#state.closed || this.#state.terminated) return;
    const { readable, writable } = this.#bits;
    this.#watch.update(
      (this.#in.waiting > 0 ? readable : 0) | (this.#out.length > 0 ? writable : 0),
      stop,
    );
  }

  static {
    internalsOf = (socket) => ({
      native: socket.#native,
      readiness: (events) => {
        checkUsable(socket.#state, 'nn_poll');
        const { waiting, holding } = socket.#in;
        return socket.#watch.readiness(events, waiting === 0, holding, socket.#out.length === 0);
      },
      addPoller: (poller) => {
        checkUsable(socket.#state, 'nn_poll');
        socket.#watch.addPoller(poller);
        try {
          socket.#update();
        } catch (error) {
          socket.#watch.removePoller(poller);
          throw error;
        }
      },
      removePoller: (poller) => {
        if (socket.#watch.removePoller(poller)) socket.#update();
      },
    });
    defineOptionProperties(this, socketOptionTable);
  }

  // ---- lifetime --------------------------------------------------------------

  /** `terminate()` was called: everything pending fails with `'ETERM'`, and so does every later call. */
  #onTerminated(): void {
    if (this.#state.terminated) return;
    this.#state.terminated = true;
    this.#watch.stopped(); // the native side stopped the watchers
    this.#in.terminate();
    this.#out.failAll(eterm);
    this.#watch.wake(this.#bits.readable | this.#bits.writable);
  }

  /**
   * Closes the socket (`nn_close`, run off the event loop). The socket is
   * `closed` at once; pending `send`/`recv` reject with code `'EBADF'`,
   * iterators end, a `device` using it stops (its promise rejects with
   * `'EBADF'`), and later calls fail with `'EBADF'`. Resolves when the
   * library has released the socket. Calling it again is harmless.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#state.closed = true;
    unclosed.unregister(this);
    this.#watch.stopped();
    const closing = this.#native.close();
    this.#closing = closing;
    this.#endpoints.length = 0; // nn_close removes them
    this.#in.close();
    this.#out.failAll(badf);
    this.#watch.wakeAll();
    return closing;
  }

  /** `await using sock = new Pair()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- options and statistics ------------------------------------------------

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
    return this.#options.get(optionSpec(name, 'nn_getsockopt', level));
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
    this.#options.set(optionSpec(name, 'nn_setsockopt', level), value);
  }

  /**
   * Every `NN_STAT_*` counter of the socket (`nn_get_statistic`), keyed by
   * camelCase name without the prefix: `messagesSent`, `bytesReceived`,
   * `currentConnections`, ...
   * @throws NanomsgError `'ENOTSUP'` when the library has no statistics.
   */
  statistics(): Record<string, number> {
    requireFeature('statistics', 'nn_get_statistic');
    const out: Record<string, number> = {};
    for (const s of statisticSymbols()) out[s.key] = this.#native.statistic(s.value);
    return out;
  }
}
