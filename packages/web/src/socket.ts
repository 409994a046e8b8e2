// What every socket of this package shares: its connections (one per
// `connect`, each dialled again when it goes), sending on one open connection
// or on all of them, the wait for a connection that can take a message, and
// the life cycle. Protocols say what they offer the server (its socket type)
// and what a received message means.
import { Connection, type ConnectionEvents } from './connection.js';
import { NanomsgError } from './errors.js';
import { toBytes, type Message } from './message.js';
import {
  resolveOptions,
  timeoutOf,
  type Options,
  type SocketOptions,
  type WaitOptions,
} from './options.js';
import { Waiters } from './waiters.js';

/** Counters of one socket (nanomsg's NN_STAT_* where it has one). */
export interface Statistics {
  /** Messages handed to a WebSocket (a message sent to all counts once). */
  messagesSent: number;
  /** Messages received, kept or not. */
  messagesReceived: number;
  /** Bytes of `messagesSent`, SP headers included. */
  bytesSent: number;
  /** Bytes of `messagesReceived`, SP headers included. */
  bytesReceived: number;
  /** Received messages dropped because `receiveBufferSize` was full. */
  messagesDropped: number;
  /** Handshakes completed. */
  establishedConnections: number;
  /** Connections lost after their handshake. */
  brokenConnections: number;
  /** Connections open now. */
  currentConnections: number;
}

/** While a sender waits for a connection's buffer to drain (WebSockets have no drain event). */
const DRAIN_POLL_MS = 10;

/** The base of every socket of @nanomsg-ts/web. */
export abstract class SocketBase implements AsyncDisposable {
  /** @internal The options, checked (`SocketOptions` with every default filled in). */
  protected readonly options: Options;
  readonly #subprotocol: string;
  readonly #connections: Connection[] = [];
  /** Senders waiting for an open connection with room. */
  readonly #ready = new Waiters<void>();
  #drainPoll: ReturnType<typeof setTimeout> | undefined;
  #turn = 0;
  #closed = false;
  /** The counters; `currentConnections` is read off the connections when asked. */
  readonly #stats: Omit<Statistics, 'currentConnections'> = {
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    messagesDropped: 0,
    establishedConnections: 0,
    brokenConnections: 0,
  };
  readonly #events: ConnectionEvents = {
    opened: (c) => {
      this.#stats.establishedConnections++;
      this.connectionOpened(c);
      this.#ready.settleAll();
    },
    message: (c, data) => {
      this.#stats.messagesReceived++;
      this.#stats.bytesReceived += data.byteLength;
      this.received(c, data);
    },
    lost: (c) => {
      this.#stats.brokenConnections++;
      this.connectionLost(c);
    },
  };

  /** `subprotocol`: what the server's socket type is called on the wire (`rep.sp.nanomsg.org`). */
  protected constructor(subprotocol: string, options?: SocketOptions) {
    this.options = resolveOptions(options);
    this.#subprotocol = subprotocol;
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Connects to a `ws://` or `wss://` address where libnanomsg listens, and
   * dials again (after `reconnectInterval`) whenever the connection fails or goes.
   * Several addresses: messages are spread or gathered as the protocol says.
   */
  connect(url: string): void {
    if (typeof url !== 'string') throw new TypeError('url must be a string');
    this.checkOpen('nn_connect');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new NanomsgError('EINVAL', 'nn_connect', `not a URL: ${url}`, url);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new NanomsgError(
        'EPROTONOSUPPORT',
        'nn_connect',
        `only ws:// and wss:// reach a server from here: ${url}`,
        url,
      );
    }
    this.#connections.push(new Connection(url, this.#subprotocol, this.options, this.#events));
  }

  /** Counters since the socket was made. */
  statistics(): Statistics {
    const currentConnections = this.#connections.filter((c) => c.open).length;
    return { ...this.#stats, currentConnections };
  }

  /**
   * Closes every connection; what waits rejects with `'EBADF'`, later calls too.
   * Messages not yet handed to a WebSocket are dropped. Calling it twice is harmless.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const c of this.#connections.splice(0)) c.close();
    if (this.#drainPoll !== undefined) clearTimeout(this.#drainPoll);
    const reason = new NanomsgError('EBADF', 'nn_close', 'the socket was closed');
    this.#ready.rejectAll(reason);
    this.closing(reason);
    return Promise.resolve();
  }

  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal A message arrived on `from`. */
  protected abstract received(from: Connection, data: Uint8Array): void;

  /** @internal `from` completed its handshake. */
  protected connectionOpened(_c: Connection): void {}

  /** @internal `c` was lost (it dials again by itself). */
  protected connectionLost(_c: Connection): void {}

  /** @internal The socket is closing: reject what waits with `reason`. */
  protected closing(_reason: NanomsgError): void {}

  /** @internal Throws `'EBADF'` once closed. */
  protected checkOpen(syscall: string): void {
    if (this.#closed) throw new NanomsgError('EBADF', syscall);
  }

  /** @internal Counts a dropped received message. */
  protected countDropped(): void {
    this.#stats.messagesDropped++;
  }

  /** @internal True while at least one connection is open. */
  protected get connected(): boolean {
    return this.#connections.some((c) => c.open);
  }

  /** @internal Sends `frame` on the next open connection with room (round-robin); undefined when none. */
  protected trySendOne(frame: Uint8Array): Connection | undefined {
    const list = this.#connections;
    const n = list.length;
    for (let i = 0; i < n; i++) {
      const c = list[(this.#turn + i) % n]!;
      if (c.buffered < this.options.sendBufferSize && this.sendOn(c, frame)) {
        this.#turn = (this.#turn + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  /** @internal Sends `frame` on `c` (a reply goes where its request came from); false when `c` is not open. */
  protected sendOn(c: Connection, frame: Uint8Array): boolean {
    if (!c.send(frame)) return false;
    this.#sent(frame);
    return true;
  }

  /** @internal `trySendOne`, waiting (up to the timeout, `sendTimeout` by default) until a connection can take it. */
  protected async sendOne(
    frame: Uint8Array,
    options: WaitOptions | undefined,
    syscall: string,
  ): Promise<Connection> {
    const timeout = timeoutOf(options, this.options.sendTimeout);
    this.checkOpen(syscall);
    const until = timeout < 0 ? Infinity : Date.now() + timeout;
    for (;;) {
      options?.signal?.throwIfAborted();
      const c = this.trySendOne(frame);
      if (c !== undefined) return c;
      const left = until === Infinity ? -1 : Math.max(0, until - Date.now());
      if (this.connected) this.#pollDrain();
      await this.#ready.wait(left, options?.signal, syscall);
    }
  }

  /**
   * @internal `send` and `trySend` of the sockets without an SP header: to one
   * connection (PAIR, PUSH: `wait` for one, or false) or to every one (PUB, BUS: never waits).
   */
  protected async sendPlain(
    message: Message,
    options: WaitOptions | undefined,
    toAll: boolean,
  ): Promise<void> {
    const bytes = toBytes(message);
    if (toAll) this.trySendPlain(bytes, true);
    else await this.sendOne(bytes, options, 'nn_send');
  }

  /** @internal See `sendPlain`; true when a connection took the message. */
  protected trySendPlain(message: Message, toAll: boolean): boolean {
    const bytes = toBytes(message);
    this.checkOpen('nn_send');
    return toAll ? this.sendAll(bytes) > 0 : this.trySendOne(bytes) !== undefined;
  }

  /** @internal Sends `frame` on every open connection (PUB, BUS, SURVEYOR: never waits); how many took it. */
  protected sendAll(frame: Uint8Array): number {
    let n = 0;
    for (const c of this.#connections) {
      if (c.buffered < this.options.sendBufferSize && c.send(frame)) n++;
    }
    if (n > 0) this.#sent(frame);
    return n;
  }

  #sent(frame: Uint8Array): void {
    this.#stats.messagesSent++;
    this.#stats.bytesSent += frame.byteLength;
  }

  /** Wakes waiting senders every few ms while they wait for a buffer to drain. */
  #pollDrain(): void {
    if (this.#drainPoll !== undefined) return;
    this.#drainPoll = setTimeout(() => {
      this.#drainPoll = undefined;
      this.#ready.settleAll();
    }, DRAIN_POLL_MS);
  }
}
