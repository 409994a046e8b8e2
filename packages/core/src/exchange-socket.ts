// The base of the sockets whose exchanges the binding can run itself: a
// concurrent socket (raw, ids and routing in TypeScript), and `serve` on any.
// While the binding runs them, the caller's own send and receive would steal
// its messages, so they fail with EFSM.
import { checkBoolean, checkObject } from './args.js';
import { Exchanges, type Exchange } from './exchanges.js';
import {
  applySocketOptions,
  checkSocketOptions,
  type OptionTable,
  type SocketOptions,
} from './option-properties.js';
import { encodeOption, optionSpec, type OptionTypes, type OptionValue } from './options.js';
import {
  checkServe,
  serveConcurrently,
  serveOneAtATime,
  type RequestHandler,
  type ServeIo,
  type ServeOptions,
} from './serve.js';
import { Socket } from './socket.js';
import { nnError } from './symbols.js';
import type { Message, OperationOptions, RawMessage, RawMessageInit } from './types.js';

/** Options of a socket that can run many exchanges at once. */
export interface ExchangeSocketOptions extends SocketOptions {
  /**
   * Many exchanges at once on this socket: it is opened raw, and the
   * binding runs the protocol's side of each exchange (ids, resends, routing
   * by SP header) itself. On the wire it is an ordinary peer.
   */
  concurrent?: boolean;
}

/**
 * Protocol options that a raw socket lacks, which the binding keeps for a
 * concurrent one: their defaults, read once per protocol from a cooked socket.
 */
const keptDefaults = new Map<string, Map<string, number>>();

function defaultsOf(protocol: string, table: OptionTable<unknown>): Map<string, number> {
  let values = keptDefaults.get(protocol);
  if (values !== undefined) return values;
  values = new Map();
  const probe = new Socket(protocol);
  try {
    for (const { option } of Object.values<{ option: string }>(table)) {
      values.set(option, probe.getOption(option) as number);
    }
  } finally {
    void probe.close();
  }
  keptDefaults.set(protocol, values);
  return values;
}

/**
 * A two-way socket whose exchanges the binding can run itself, for protocol
 * packages (a REQ, REP, SURVEYOR or RESPONDENT class extends it): with
 * `concurrent: true` it is opened raw and many exchanges share it; `serve`
 * answers requests with a handler. While either runs the exchanges, `send`,
 * `recv` and their variants fail with `'EFSM'`.
 */
export abstract class ExchangeSocket extends Socket {
  /** True when opened with `concurrent: true`: raw, with many exchanges at once. */
  readonly concurrent: boolean;
  /** The protocol options kept by the binding on a concurrent socket, by option name. */
  readonly #kept: Map<string, number> | undefined;
  /** Why the caller's own I/O is refused now, if it is. */
  #busy: string | undefined;
  #serving = false;
  #exchanges: Exchanges<Exchange> | undefined;
  #constructed = false;

  /**
   * @param kept - the protocol's option properties that a raw socket lacks
   * (its package's option table): on a concurrent socket the binding keeps
   * their values, which the protocol's package applies itself
   */
  constructor(
    protocol: string,
    options: ExchangeSocketOptions = {},
    kept: OptionTable<unknown> = {},
  ) {
    checkObject(options, 'options');
    const { concurrent = false, ...rest } = options;
    checkBoolean(concurrent, 'options.concurrent');
    if (concurrent && rest.raw === false) {
      throw new TypeError('a concurrent socket is raw: options.raw must not be false');
    }
    // Options are set once this class's fields exist: on a concurrent
    // socket the kept ones are read and written here.
    checkSocketOptions(new.target.prototype as object, rest);
    super(protocol, { raw: concurrent || rest.raw === true });
    this.concurrent = concurrent;
    Object.defineProperty(this, 'concurrent', { writable: false, configurable: false });
    this.#kept = concurrent ? new Map(defaultsOf(protocol, kept)) : undefined;
    if (concurrent) this.#busy = 'a concurrent socket runs its exchanges itself';
    try {
      applySocketOptions(this, rest);
    } catch (error) {
      void this.close();
      throw error;
    }
    this.#constructed = true;
  }

  // ---- options a raw socket lacks ---------------------------------------------

  override getOption<N extends keyof OptionTypes>(name: N, level?: string): OptionTypes[N];
  override getOption(name: string, level?: string): number | boolean | string;
  override getOption(name: string, level?: string): number | boolean | string {
    const kept = this.#keptName(name, level, 'nn_getsockopt');
    if (kept !== undefined) {
      this.checkOpen('nn_getsockopt');
      return this.#kept!.get(kept)!;
    }
    return super.getOption(name, level);
  }

  override setOption(name: string, value: OptionValue, level?: string): void {
    const kept = this.#keptName(name, level, 'nn_setsockopt');
    if (kept === undefined) {
      super.setOption(name, value, level);
      return;
    }
    this.checkOpen('nn_setsockopt');
    const encoded = encodeOption(optionSpec(name, 'nn_setsockopt', level), value);
    this.#kept!.set(kept, encoded as number);
    if (this.#constructed) this.keptOptionChanged(kept);
  }

  /** The name of a kept option, or undefined for one the library holds. */
  #keptName(name: string, level: string | undefined, syscall: string): string | undefined {
    if (this.#kept === undefined) return undefined;
    const option = optionSpec(name, syscall, level).info.name;
    return this.#kept.has(option) ? option : undefined;
  }

  /** A kept option changed (after construction): e.g. reschedule a timer that depends on it. */
  protected keptOptionChanged(_option: string): void {}

  // ---- the binding's exchanges ---------------------------------------------------

  /** The open exchanges of a concurrent socket, and the routing of their answers. */
  protected exchanges<E extends Exchange>(): Exchanges<E> {
    this.#exchanges ??= new Exchanges(
      (consumer) => this.consume(consumer),
      (syscall) => this.checkOpen(syscall),
    );
    return this.#exchanges as unknown as Exchanges<E>;
  }

  /**
   * Serves requests with `handler` until `opts.signal` aborts or the socket
   * closes (see `ServeOptions`); for the `serve` of a protocol's class.
   */
  protected serveRequests(handler: RequestHandler, opts: ServeOptions | undefined): Promise<void> {
    let checked;
    try {
      checked = checkServe(handler, opts, this.concurrent);
      this.checkOpen('nn_recv');
      if (this.#busy !== undefined && !this.concurrent) throw this.#refusal('nn_recv');
      if (this.#serving) throw nnError('EFSM', 'nn_recv', 'this socket is already serving');
    } catch (error) {
      return Promise.reject(error);
    }
    const io: ServeIo = {
      raw: this.raw,
      recv: (o) => this.doRecv(o),
      send: (m) => this.doSend(m),
      sendMessage: (m) => this.doSendMessage(m),
      consume: (c) => this.consume(c),
      isClosed: () => this.closed,
    };
    const previous = this.#busy;
    this.#serving = true;
    this.#busy = 'the socket is serving requests';
    // A raw socket (concurrent or not) must reply with each request's SP
    // header, which only the concurrent server keeps; on a raw socket that is
    // not concurrent it runs one handler at a time (`checked.concurrency` is 1).
    const serving = this.raw
      ? serveConcurrently(io, handler, checked)
      : serveOneAtATime(io, handler, checked);
    return serving.finally(() => {
      this.#serving = false;
      this.#busy = previous;
    });
  }

  // ---- the caller's own I/O, refused while the binding runs the exchanges ----------

  #refusal(syscall: string) {
    return nnError('EFSM', syscall, `${this.#busy}: send and receive are not available`);
  }

  override send(message: Message, opts?: OperationOptions): Promise<void> {
    if (this.#busy !== undefined) return Promise.reject(this.#refusal('nn_send'));
    return super.send(message, opts);
  }

  override recv(opts?: OperationOptions): Promise<Buffer> {
    if (this.#busy !== undefined) return Promise.reject(this.#refusal('nn_recv'));
    return super.recv(opts);
  }

  override trySend(message: Message): boolean {
    if (this.#busy !== undefined) throw this.#refusal('nn_send');
    return super.trySend(message);
  }

  override tryRecv(): Buffer | undefined {
    if (this.#busy !== undefined) throw this.#refusal('nn_recv');
    return super.tryRecv();
  }

  override sendMessage(message: RawMessageInit, opts?: OperationOptions): Promise<void> {
    if (this.#busy !== undefined) return Promise.reject(this.#refusal('nn_sendmsg'));
    return super.sendMessage(message, opts);
  }

  override recvMessage(opts?: OperationOptions): Promise<RawMessage> {
    if (this.#busy !== undefined) return Promise.reject(this.#refusal('nn_recvmsg'));
    return super.recvMessage(opts);
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    if (this.#busy !== undefined) throw this.#refusal('nn_recv');
    return super[Symbol.asyncIterator]();
  }
}
