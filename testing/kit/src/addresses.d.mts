// Types of ./addresses.mjs.

export type Transport = 'inproc' | 'ipc' | 'tcp' | 'ws';
/** The transports of `coreTransports`. */
export type CoreTransport = Exclude<Transport, 'ws'>;
/** Every transport of libnanomsg 1.1.5 that the tests use. */
export declare const transports: readonly Transport[];
/** The transports core's suites run each test over (ws is left to the protocol packages and interop). */
export declare const coreTransports: readonly CoreTransport[];
/** Transports where the two ends may be different processes. */
export declare const networkTransports: readonly Transport[];
/** This process's folder for ipc endpoints: made on first use, removed when the process exits. */
export declare function ipcFolder(): string;
/** A fresh address for `transport` (ipc paths in `ipcDir`, by default `ipcFolder()`). */
export declare function address(transport: Transport, ipcDir?: string): string;
/**
 * Binds `socket` to a fresh address of `transport`, trying others while one
 * is in use; returns what `bind` returned (an Endpoint, whose `address` is
 * where it bound).
 */
export declare function bindAny<E>(
  socket: { bind(address: string): E },
  transport: Transport,
  ipcDir?: string,
): E;
