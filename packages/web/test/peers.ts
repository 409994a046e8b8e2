// The web sockets' peers in these tests: our Node.js sockets bound on
// libnanomsg's ws transport at a fresh loopback port (the real library, as a
// page meets it), and a wait for a web socket's connections.
import { bindAny, waitFor } from '@nanomsg-ts/testkit';

interface Binds {
  bind(address: string): { address: string };
}

/** Binds `socket` to a fresh `ws://127.0.0.1:PORT`; its address. */
export function bindWs(socket: Binds): string {
  return bindAny(socket, 'ws').address;
}

interface Counts {
  statistics(): { currentConnections: number };
}

/** Waits until the web socket `socket` has `n` open connections. */
export function connected(socket: Counts, n = 1): Promise<void> {
  return waitFor(() => socket.statistics().currentConnections >= n, `${n} open connection(s)`);
}

const decoder = new TextDecoder();

/** The UTF-8 text of `bytes`. */
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Whether `a` and `b` hold the same bytes (fast for 1 MiB, unlike a deep `toEqual`). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
