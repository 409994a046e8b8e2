// Fresh addresses, and binding with retry on a taken port: the one
// implementation, for the tests (through ./index.ts) and for fixture scripts
// that run in child processes or worker threads, in plain Node.js
// (`import { bindAny } from '@nanomsg-ts/testkit/addresses'`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Every transport of libnanomsg 1.1.5 that the tests use. */
export const transports = ['inproc', 'ipc', 'tcp', 'ws'];
/** The transports core's suites run each test over (ws is left to the protocol packages and interop). */
export const coreTransports = ['inproc', 'ipc', 'tcp'];
/** Transports where the two ends may be different processes. */
export const networkTransports = ['ipc', 'tcp', 'ws'];

let folder;

/** This process's folder for ipc endpoints: made on first use, removed when the process exits. */
export function ipcFolder() {
  if (folder === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'nanomsg-ts-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

let serial = 0;

/**
 * A fresh address for `transport`: inproc and ipc named by process, thread
 * and serial number (ipc a path in `ipcDir`, by default `ipcFolder()`), tcp
 * and ws a port from 20000 to 32767 on 127.0.0.1 (nanomsg 1.1.5 cannot
 * bind port 0: `bindAny` retries a taken one). The ports are below Linux's
 * ephemeral range (32768-60999), so that no outgoing connection of the many
 * tests running at once can hold the port, or connect to itself through it.
 */
export function address(transport, ipcDir) {
  serial += 1;
  const id = `${process.pid}.${threadId}-${serial}`;
  switch (transport) {
    case 'inproc':
      return `inproc://t${id}`;
    case 'ipc':
      return `ipc://${join(ipcDir ?? ipcFolder(), `s${id}.ipc`)}`;
    case 'tcp':
      return `tcp://127.0.0.1:${randomPort()}`;
    case 'ws':
      // nanomsg 1.1.5 refuses a resource path in a ws:// bind address (EINVAL).
      return `ws://127.0.0.1:${randomPort()}`;
    default:
      throw new Error(`unknown transport ${transport}`);
  }
}

const PORTS = 12768;
// A random start per process and thread, then the next port each time: fresh
// within this thread (until all are used), spread across the processes and
// threads that run at once (bindAny retries one that another holds).
let nextPort = Math.floor(Math.random() * PORTS);

function randomPort() {
  nextPort = (nextPort + 1) % PORTS;
  return 20000 + nextPort;
}

/**
 * Binds `socket` to a fresh address of `transport`, trying others while one
 * is in use (up to 25 times); returns what `bind` returned (an Endpoint,
 * whose `address` is where it bound).
 */
export function bindAny(socket, transport, ipcDir) {
  for (let attempt = 1; ; attempt++) {
    try {
      return socket.bind(address(transport, ipcDir));
    } catch (error) {
      if (error?.code !== 'EADDRINUSE' || attempt >= 25) throw error;
    }
  }
}
