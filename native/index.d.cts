// The whole surface of the compiled addon. Internal: only @nanomsg-ts/core uses it.

/** Readiness bits: 1 = NN_RCVFD readable (a message waits), 2 = NN_SNDFD readable (can send). */
export type ReadyEvents = number;

export declare class Socket {
  /** nn_socket(domain, protocol); `onReady(events)` is called while watched descriptors are ready. */
  constructor(domain: number, protocol: number, onReady: (events: ReadyEvents) => void);
  /** The nanomsg socket number; -1 once closed. */
  readonly id: number;
  bind(address: string): number;
  connect(address: string): number;
  shutdown(endpoint: number): void;
  setIntOption(level: number, option: number, value: number): void;
  setBytesOption(level: number, option: number, value: string | ArrayBufferView | ArrayBuffer): void;
  getIntOption(level: number, option: number): number;
  getStringOption(level: number, option: number): string;
  /** nn_send with NN_DONTWAIT: true when taken, false on EAGAIN. */
  send(message: string | ArrayBufferView | ArrayBuffer): boolean;
  /** nn_recv with NN_MSG | NN_DONTWAIT: a Buffer, or undefined on EAGAIN. */
  recv(): Buffer | undefined;
  /** Up to `max` messages ready now, in order. */
  recvMany(max: number): Buffer[];
  /** Watch NN_RCVFD (1) and/or NN_SNDFD (2) on this thread's loop; 0 stops. */
  watch(events: ReadyEvents): void;
  /** nn_get_statistic. */
  statistic(stat: number): number;
  /** Stops the watchers, then nn_close on the thread pool. */
  close(): Promise<void>;
}

/** [name, value, namespace value, type value, unit value] for each nn_symbol_info entry. */
export type SymbolRow = [string, number, number, number, number];

export declare function symbols(): SymbolRow[];
export declare function versions(): {
  compiled: [number, number, number];
  runtime: [number, number, number] | null;
  minimumCurrent: number;
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
export declare function setCopyThreshold(bytes: number): void;
export declare function getCopyThreshold(): number;
