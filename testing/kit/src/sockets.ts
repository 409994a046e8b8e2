// Sockets in tests: every socket a test makes is closed after it, so a
// failing test cannot leak sockets (or peer processes) into the next.
import { createRequire } from 'node:module';
import { Socket, type Endpoint, type SocketOptions } from '@nanomsg-ts/core';
import { afterEach } from 'vitest';
import { bindAny, type Transport } from './addresses.mjs';

/** Anything with an async `close()`: a socket of any protocol. */
export interface Closable {
  close(): Promise<void>;
}

/** Collects sockets made in a test and closes them all when asked (`closeAll`). */
export function track(): { add<T extends Closable>(socket: T): T; closeAll(): Promise<void> } {
  const open: Closable[] = [];
  return {
    add(socket) {
      open.push(socket);
      return socket;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}

/**
 * Registers an `afterEach` in the calling test file and returns `track`:
 * `track(socket)` returns the socket and closes it after the test. The
 * `first` cleanups run before the sockets close, in order (e.g. ending peer
 * processes, see `useInterop`).
 */
export function useTracked(
  ...first: Array<() => Promise<void>>
): <T extends Closable>(socket: T) => T {
  const sockets = track();
  afterEach(async () => {
    for (const cleanup of first) await cleanup();
    await sockets.closeAll();
  });
  return (socket) => sockets.add(socket);
}

/**
 * Makes core `Socket`s for one test file and closes every one still open
 * after each test.
 */
export function useSockets(): (protocol: string, options?: SocketOptions) => Socket {
  const tracked = useTracked();
  return (protocol, options) => tracked(new Socket(protocol, options));
}

/** A connected pair of `protocol` sockets: `bound` bound on a fresh address, `connected` connected to it. */
export function connectedPair(
  make: (protocol: string, options?: SocketOptions) => Socket,
  transport: Transport,
  protocol = 'NN_PAIR',
  options?: { bound?: SocketOptions; connected?: SocketOptions },
): { bound: Socket; connected: Socket; address: string } {
  const bound = make(protocol, options?.bound);
  const connected = make(protocol, options?.connected);
  const ep: Endpoint = bindAny(bound, transport);
  connected.connect(ep.address);
  return { bound, connected, address: ep.address };
}

/** Deterministic bytes, so a corrupted or truncated message shows. */
export function pattern(length: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** The compiled addon itself, for comparing core's view with the library's raw answers. */
export function nativeAddon(): typeof import('@nanomsg-ts/native') {
  return createRequire(import.meta.url)(
    '@nanomsg-ts/native',
  ) as typeof import('@nanomsg-ts/native');
}
