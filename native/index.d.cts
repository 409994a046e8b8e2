// The whole surface of the compiled addon. Internal: only @nanomsg-ts/core uses it.

/** A combination of the bits of `events`. */
export type ReadyEvents = number;

/**
 * The readiness bits of `onReady(events)`, `watch(events)` and `poll(events)`:
 * `readable` = NN_RCVFD readable (a message waits), `writable` = NN_SNDFD
 * readable (a send can go). `onReady` may also get `terminated`, once, when
 * terminate() was called: the watchers are stopped then.
 */
export declare const events: {
  readonly readable: number;
  readonly writable: number;
  readonly terminated: number;
};

/** A message with its SP header (nn_recvmsg control data, level PROTO_SP, type SP_HDR). */
export interface RawMessage {
  body: Buffer;
  /** The SP header bytes; empty on a cooked socket, whose protocol consumed them. */
  header: Buffer;
}

export declare class Socket {
  /** nn_socket(domain, protocol); `onReady(events)` is called while watched descriptors are ready. */
  constructor(domain: number, protocol: number, onReady: (events: ReadyEvents) => void);
  /** The nanomsg socket number; -1 once closed. */
  readonly id: number;
  bind(address: string): number;
  connect(address: string): number;
  shutdown(endpoint: number): void;
  setIntOption(level: number, option: number, value: number): void;
  setBytesOption(
    level: number,
    option: number,
    value: string | ArrayBufferView | ArrayBuffer,
  ): void;
  getIntOption(level: number, option: number): number;
  getStringOption(level: number, option: number): string;
  /** nn_send with NN_DONTWAIT: true when taken, false on EAGAIN. */
  send(message: string | ArrayBufferView | ArrayBuffer): boolean;
  /**
   * Up to `max` messages ready now, in order. Small messages (up to the copy
   * threshold and 2 KiB) are copied into `pool` from `offset` on, each as a 32-bit little-endian
   * length then its bytes, while they fit. Returns undefined when none is
   * ready, the end offset of what was written, a Buffer for a message that
   * does not go into the pool when it comes first, or `[end, Buffer]` when
   * it comes after pooled ones. `retry` as for `testing.recv`.
   */
  recvInto(
    pool: Buffer,
    offset: number,
    max: number,
    retry?: boolean,
  ): number | Buffer | [end: number, alone: Buffer] | undefined;
  /** nn_sendmsg with NN_DONTWAIT and the SP header as control data: true when taken, false on EAGAIN. */
  sendMsg(
    body: string | ArrayBufferView | ArrayBuffer,
    header: ArrayBufferView | ArrayBuffer,
  ): boolean;
  /**
   * Copies a message that waits in core's send queue into an nn_allocmsg
   * chunk kept by the socket; returns its id for `sendHeld`/`discard`.
   */
  hold(message: ArrayBufferView | ArrayBuffer): number;
  /** nn_send of a held chunk with NN_MSG | NN_DONTWAIT: true when the library took it, false on EAGAIN. */
  sendHeld(id: number): boolean;
  /** Frees a held chunk that will not be sent; unknown ids are ignored. */
  discard(id: number): void;
  /**
   * Up to `max` messages with their SP headers ready now, in order, the way
   * `recvInto` takes bodies: small ones are written into `pool` from
   * `offset` on, each as its body's length and its header's length (32-bit
   * little-endian), the header, then the body. Returns what `recvInto` does,
   * with a `RawMessage` for a message that does not go into the pool.
   */
  recvMsgInto(
    pool: Buffer,
    offset: number,
    max: number,
  ): number | RawMessage | [end: number, alone: RawMessage] | undefined;
  /** nn_poll with timeout 0: which of `events` (1 in, 2 out) are ready now. Never waits. */
  poll(events: ReadyEvents): ReadyEvents;
  /**
   * Watch NN_RCVFD (1) and/or NN_SNDFD (2) on this thread's loop; 0 stops.
   * A running watcher whose bit is in `keep` but not in `events` goes on
   * running without keeping the loop or the socket alive. After terminate()
   * it only stops.
   */
  watch(events: ReadyEvents, keep?: ReadyEvents): void;
  /** nn_get_statistic. */
  statistic(stat: number): number;
  /** Stops the watchers and this socket's devices, then nn_close on the thread pool. */
  close(): Promise<void>;
}

/** [name, value, namespace value, type value, unit value] for each nn_symbol_info entry. */
export type SymbolRow = [string, number, number, number, number];

export declare function symbols(): SymbolRow[];
export declare function versions(): {
  compiled: [number, number, number];
  runtime: [number, number, number] | null;
};
export declare function compiledFeatures(): Record<string, boolean>;
export declare function strerror(errno: number): string;
export declare function setErrorClass(
  ctor: new (
    message: string,
    code: string,
    errno: number,
    syscall: string,
    address: string | undefined,
  ) => Error,
): void;
/**
 * Forwards messages between two raw sockets (or, with one, back into it) on a
 * thread of its own, with nn_device's checks (EINVAL for cooked sockets or
 * mismatched protocols). Rejects with the error that ended it: EBADF when one
 * of the sockets is closed, ETERM after terminate().
 */
export declare function device(a: Socket, b?: Socket): Promise<void>;
/**
 * nn_term for the whole process: stops every device and watcher (calling
 * onReady(4) on this environment's sockets at once, on other environments'
 * from their loops), then runs nn_term on a background thread.
 */
export declare function terminate(): void;
/** Hooks for tests and benchmarks only; core never uses them. */
export declare const testing: {
  /**
   * nn_recv with NN_MSG | NN_DONTWAIT: a Buffer, or undefined on EAGAIN.
   * `retry` (default true): on EAGAIN, try again while NN_RCVFD still signals (a protocol
   * such as SUB may drop what it dequeued and report EAGAIN with more waiting).
   */
  recv(socket: Socket, retry?: boolean): Buffer | undefined;
  /** nn_recvmsg with NN_MSG | NN_DONTWAIT, body and SP header; undefined on EAGAIN. */
  recvMsg(socket: Socket): RawMessage | undefined;
  /** True once terminate() was called in any environment. */
  terminated(): boolean;
  /** Received messages up to this size are copied; larger ones are adopted as external Buffers. */
  setCopyThreshold(bytes: number): void;
  getCopyThreshold(): number;
  /** The oldest library ABI (NN_VERSION_CURRENT) the addon supports. */
  readonly minimumCurrent: number;
};
