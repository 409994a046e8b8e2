// Helpers of the advanced suites (raw messages, devices, poll, terminate).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { Socket, type Endpoint, type SocketOptions } from '@nanomsg-ts/core';

export type Transport = 'inproc' | 'ipc' | 'tcp';

const runDir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-advanced-'));
process.once('exit', () => rmSync(runDir, { recursive: true, force: true }));
let serial = 0;

/** A fresh address: ipc paths in this run's folder, tcp a random port in 20000-60000. */
export function address(transport: Transport): string {
  serial += 1;
  if (transport === 'inproc') return `inproc://advanced-${process.pid}-${serial}`;
  if (transport === 'ipc') return `ipc://${join(runDir, `${serial}.ipc`)}`;
  return `tcp://127.0.0.1:${20000 + Math.floor(Math.random() * 40001)}`;
}

/** Binds to a fresh address, trying another while it is in use (nanomsg 1.1.5 cannot bind port 0). */
export function bindAny(socket: { bind(address: string): Endpoint }, transport: Transport): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return socket.bind(address(transport)).address;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE' || attempt >= 25) throw error;
    }
  }
}

/** Makes sockets and closes those still open after each test. */
export function useSockets(): (protocol: string, options?: SocketOptions) => Socket {
  const open = new Set<Socket>();
  afterEach(async () => {
    const all = [...open];
    open.clear();
    await Promise.all(all.map((s) => s.close()));
  });
  return (protocol, options) => {
    const s = new Socket(protocol, options);
    open.add(s);
    return s;
  };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, checking every few ms; throws after `within` ms. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  within = 5000,
): Promise<void> {
  const end = Date.now() + within;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${within} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** The error a promise rejects with; throws if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: unknown; syscall?: unknown; name?: unknown }> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${String(value)}`);
  } catch (error) {
    return error as { code?: unknown };
  }
}

/** How a promise stands right now, after pending callbacks ran: 'pending', 'resolved' or 'rejected'. */
export async function state(
  promise: Promise<unknown>,
): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (s = 'resolved'),
    () => (s = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return s;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs fixtures/<name> in a fresh Node.js process; killed (by its pid) after `timeout` ms. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  timeout = 10_000,
): Promise<ChildResult> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
  const child = spawn(process.execPath, [join(dir, name), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeout);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The `key=value` lines a fixture printed. */
export function reported(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
