// Test helpers for @nanomsg-ts/core: the transports every suite runs over,
// fresh addresses, binding with retry on a taken port, socket bookkeeping and
// child processes running the fixtures in ./fixtures. Addresses, waiting and
// socket tracking come from the repository's shared testing/ helpers.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Socket, type Endpoint, type SocketOptions } from '@nanomsg-ts/core';
import { bindFresh, waitUntil } from '../../../testing/helpers.js';
import { useTracked } from '../../../testing/sockets.js';

/**
 * `address(transport)`: a fresh address (inproc by pid and serial number, ipc
 * a path in `runDir`, tcp a random port on 127.0.0.1; use `bindAny` to retry
 * a taken port). `runDir`: this run's folder for ipc endpoints.
 */
export { address, runDir, sleep } from '../../../testing/helpers.js';

export type Transport = 'inproc' | 'ipc' | 'tcp';

/** The transports each suite runs over, once per transport (`describe.each(transports)`). */
export const transports: readonly Transport[] = ['inproc', 'ipc', 'tcp'];

/** Binds `socket` to a fresh address of `transport`, trying another one while the address is in use. */
export function bindAny(
  socket: { bind(address: string): Endpoint },
  transport: Transport,
): Endpoint {
  return bindFresh(socket, transport).endpoint;
}

/**
 * Makes sockets for one test file and closes every one still open after each
 * test, so a failing test cannot leak sockets into the next.
 */
export function useSockets(): (protocol: string, options?: SocketOptions) => Socket {
  const track = useTracked();
  return (protocol, options) => track(new Socket(protocol, options));
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
  const ep = bindAny(bound, transport);
  connected.connect(ep.address);
  return { bound, connected, address: ep.address };
}

/** Polls `condition` every few milliseconds until it holds; throws after `within` ms. */
export function waitFor(condition: () => boolean, what: string, within = 5000): Promise<void> {
  return waitUntil(what, condition, within, 5);
}

/** The settled outcome of a promise, for asserting on rejections by value. */
export async function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** What a rejection is checked for: an error's `code`, `syscall` and `name`, where it has them. */
export interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  name?: unknown;
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<ErrorLike> {
  const result = await outcome(promise);
  if ('value' in result) throw new Error(`expected a rejection, got ${String(result.value)}`);
  return result.error as ErrorLike;
}

/** The error a function throws; fails if it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

/** The `code` of an error-like value. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
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

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsed: number;
  /** True when the child did not exit within `timeout` and was killed. */
  timedOut: boolean;
}

export interface ChildHandle {
  /** Resolves when the child printed a line equal to `line` on stdout. */
  line(line: string): Promise<void>;
  /** True until the child exits (or is killed). */
  readonly running: boolean;
  /** What the child printed on stdout so far. */
  readonly stdout: string;
  readonly done: Promise<ChildResult>;
}

export interface FixtureOptions {
  /** Milliseconds before the child is killed (default 10 s). */
  timeout?: number;
  /** Node.js options before the script. */
  execArgv?: readonly string[];
}

/**
 * Runs `fixtures/<name>` in a fresh Node.js process. A child still running
 * after `timeout` ms is killed (by its own pid) and reported as timed out.
 */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  options: FixtureOptions = {},
): ChildHandle {
  return runScript(fixturesDir, name, args, options);
}

/** `runFixture` for the script `name` in the folder `dir` (also its working directory). */
export function runScript(
  dir: string,
  name: string,
  args: readonly string[] = [],
  { timeout = 10_000, execArgv = [] }: FixtureOptions = {},
): ChildHandle {
  const started = performance.now();
  const child = spawn(process.execPath, [...execArgv, join(dir, name), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lineWaiters: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    for (const w of lineWaiters.splice(0)) {
      if (lines.includes(w.line)) w.resolve();
      else lineWaiters.push(w);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeout);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of lineWaiters.splice(0)) w.resolve();
      resolve({ code, signal, stdout, stderr, elapsed: performance.now() - started, timedOut });
    });
  });
  return {
    line: (line) =>
      new Promise<void>((resolve) => {
        if (stdout.split('\n').includes(line) || child.exitCode !== null) resolve();
        else lineWaiters.push({ line, resolve });
      }),
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    get stdout() {
      return stdout;
    },
    done,
  };
}

/** The compiled addon itself, for comparing core's view with the library's raw answers. */
export function nativeAddon(): typeof import('@nanomsg-ts/native') {
  const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native');
  return createRequire(join(nativeDir, 'package.json'))(
    '@nanomsg-ts/native',
  ) as typeof import('@nanomsg-ts/native');
}
