// Shared by the protocol packages' tests: transports, fresh addresses, and
// small waiting helpers. Imported by relative path; not a published package.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Transport = 'inproc' | 'ipc' | 'tcp' | 'ws';
export const transports: readonly Transport[] = ['inproc', 'ipc', 'tcp', 'ws'];
/** Transports where the two ends may be different processes. */
export const networkTransports: readonly Transport[] = ['ipc', 'tcp', 'ws'];

/** This run's folder for ipc endpoints; removed when the process exits. */
export const runDir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-'));
process.once('exit', () => rmSync(runDir, { recursive: true, force: true }));
let serial = 0;

/**
 * A fresh address for `transport`: inproc by pid and serial number, ipc a
 * path in `runDir`, tcp and ws a random port from 20000 to 32767 on
 * 127.0.0.1 (nanomsg 1.1.5 cannot bind port 0: `bindAny` retries a taken one).
 * Below Linux's ephemeral range (32768-60999), so that no outgoing connection
 * of the many tests running at once can hold the port, or connect to itself
 * through it.
 */
export function address(transport: Transport): string {
  serial += 1;
  switch (transport) {
    case 'inproc':
      return `inproc://t${process.pid}-${serial}`;
    case 'ipc':
      return `ipc://${join(runDir, `s${serial}.ipc`)}`;
    case 'tcp':
      return `tcp://127.0.0.1:${randomPort()}`;
    case 'ws':
      // nanomsg 1.1.5 refuses a resource path in a ws:// bind address (EINVAL).
      return `ws://127.0.0.1:${randomPort()}`;
  }
}

function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 12768);
}

/**
 * Binds `socket` to a fresh address of `transport`, trying others while one
 * is in use; returns the address and what `bind` returned.
 */
export function bindFresh<E>(
  socket: { bind(address: string): E },
  transport: Transport,
): { address: string; endpoint: E } {
  for (let attempt = 1; ; attempt++) {
    const addr = address(transport);
    try {
      return { address: addr, endpoint: socket.bind(addr) };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE' || attempt >= 25) throw error;
    }
  }
}

/** Binds to a fresh address, trying other ports while one is in use; returns the address. */
export function bindAny(socket: { bind(address: string): unknown }, transport: Transport): string {
  return bindFresh(socket, transport).address;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `every` ms until it holds; rejects after `within` ms. */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  within = 5000,
  every = 10,
): Promise<void> {
  const end = Date.now() + within;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`waiting for ${what}: not within ${within} ms`);
    await sleep(every);
  }
}

/** Resolves with the outcome of `promise`, or `'pending'` if it has not settled within `ms`. */
export async function settledWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown } | 'pending'> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    sleep(ms).then(() => 'pending' as const),
  ]);
}

/** Repeats `send` until `recv` yields something (connections come up in the background). */
export async function untilDelivered(
  send: () => Promise<unknown>,
  received: () => boolean,
  { every = 20, within = 5000 } = {},
): Promise<void> {
  const end = Date.now() + within;
  while (!received()) {
    if (Date.now() > end) throw new Error(`nothing delivered within ${within} ms`);
    await send();
    await sleep(every);
  }
}

interface HasStatistics {
  statistics(): Record<string, number>;
}

/** Waits until `socket` has at least `n` live connections (nn_get_statistic NN_STAT_CURRENT_CONNECTIONS). */
export async function connections(socket: HasStatistics, n: number, within = 5000): Promise<void> {
  const end = Date.now() + within;
  while (socket.statistics().currentConnections! < n) {
    if (Date.now() > end) throw new Error(`fewer than ${n} connections after ${within} ms`);
    await sleep(5);
  }
}

/** Anything with an async `close()`: a socket of any protocol. */
export interface Closable {
  close(): Promise<void>;
}

/** Collects sockets made in a test and closes them all afterwards. */
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
