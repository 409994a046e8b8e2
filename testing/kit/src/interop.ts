// Child processes that talk nanomsg from outside Node.js: the C reference tool
// `nanocat` (Debian's nanomsg-utils) and the Perl scripts in ../perl.
// Every process started here is tracked; `useInterop()` ends them (and closes
// the test's sockets) after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { address, bindAny, ipcFolder, type Transport } from './addresses.mjs';
import { useTracked, type Closable } from './sockets.js';
import { sleep } from './waiting.js';

/** Transports that nanocat and the Perl binding can share with us (different processes). */
export const interopTransports = ['ipc', 'tcp', 'ws'] as const satisfies readonly Transport[];
export type InteropTransport = (typeof interopTransports)[number];

/** Which side calls `bind`: ours (the peer connects) or the peer's (we connect). */
export type Role = 'bind' | 'connect';
export const roles: readonly Role[] = ['bind', 'connect'];

/** The folder of the Perl scripts. */
export const perlDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'perl');

const DEFAULT_WAIT = 5000;

/** The outcome of a finished process. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child process whose output is collected. */
export class Peer {
  readonly command: string;
  readonly args: readonly string[];
  readonly child: ChildProcess;
  /** Settles when the process has ended (never rejects). */
  readonly exit: Promise<Exit>;
  #out: Buffer[] = [];
  #outLength = 0;
  #err = '';
  #exited: Exit | undefined;
  #spawnError: Error | undefined;
  #watchers = new Set<() => void>();

  constructor(command: string, args: readonly string[]) {
    this.command = command;
    this.args = args;
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.#out.push(chunk);
      this.#outLength += chunk.length;
      this.#notify();
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.#err += chunk;
      this.#notify();
    });
    this.exit = new Promise<Exit>((resolve) => {
      this.child.once('error', (error) => {
        // e.g. ENOENT: the tool is not installed. Fail loudly, never skip.
        this.#spawnError = error;
        this.#exited ??= { code: null, signal: null };
        live.delete(this);
        this.#notify();
        resolve(this.#exited);
      });
      this.child.once('close', (code, signal) => {
        this.#exited ??= { code, signal };
        live.delete(this);
        this.#notify();
        resolve(this.#exited);
      });
    });
  }

  /** The exit status, or undefined while the process runs. */
  get exited(): Exit | undefined {
    return this.#exited;
  }

  /** Everything the process wrote to stdout so far. */
  stdout(): Buffer {
    if (this.#out.length > 1) this.#out = [Buffer.concat(this.#out)];
    return this.#out[0] ?? Buffer.alloc(0);
  }

  /** Everything the process wrote to stderr so far. */
  stderr(): string {
    return this.#err;
  }

  /** The complete (newline-terminated) lines of stdout so far, without the newline. */
  lines(): string[] {
    const text = this.stdout().toString('latin1');
    const end = text.lastIndexOf('\n');
    return end < 0 ? [] : text.slice(0, end).split('\n');
  }

  /** A description for failure messages. */
  describe(): string {
    const status = this.#spawnError
      ? `failed to start: ${this.#spawnError.message}`
      : this.#exited
        ? `exited with code ${this.#exited.code} signal ${this.#exited.signal}`
        : 'still running';
    return (
      `${this.command} ${this.args.join(' ')} (${status}); ` +
      `stdout ${JSON.stringify(this.stdout().toString('latin1').slice(-400))}; ` +
      `stderr ${JSON.stringify(this.#err.slice(-400))}`
    );
  }

  /**
   * Resolves with `check()`'s first non-undefined result, re-checked whenever
   * output arrives. Rejects after `within` ms, or when the process ended
   * without `check` being satisfied.
   */
  waitFor<T>(what: string, check: () => T | undefined, within = DEFAULT_WAIT): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (error: Error | undefined, value?: T): void => {
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        if (error) reject(error);
        else resolve(value as T);
      };
      const watcher = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          finish(error as Error);
          return;
        }
        if (value !== undefined) finish(undefined, value);
        else if (this.#exited) finish(new Error(`waiting for ${what}: ${this.describe()}`));
      };
      const timer = setTimeout(
        () =>
          finish(new Error(`waiting for ${what}: nothing within ${within} ms; ${this.describe()}`)),
        within,
      );
      this.#watchers.add(watcher);
      watcher();
    });
  }

  /** Waits until stdout holds at least `n` complete lines; resolves with all lines so far. */
  waitForLines(n: number, within?: number): Promise<string[]> {
    return this.waitFor(
      `${n} line(s) of output`,
      () => {
        const lines = this.lines();
        return lines.length >= n ? lines : undefined;
      },
      within,
    );
  }

  /** Waits for a line of stdout that satisfies `match`; resolves with it. */
  waitForLine(match: (line: string) => boolean, within?: number): Promise<string> {
    return this.waitFor('a matching line of output', () => this.lines().find(match), within);
  }

  /** Waits until stdout holds at least `n` bytes; resolves with all of them. */
  waitForBytes(n: number, within?: number): Promise<Buffer> {
    return this.waitFor(
      `${n} bytes of output`,
      () => (this.#outLength >= n ? this.stdout() : undefined),
      within,
    );
  }

  /** Waits for the process to end by itself; rejects if it does not within `within` ms. */
  async waitForExit(within = DEFAULT_WAIT): Promise<Exit> {
    return this.waitFor('the process to exit', () => this.#exited, within);
  }

  /** Ends the process (SIGTERM, then SIGKILL) and waits until it is gone. */
  async kill(): Promise<Exit> {
    if (this.#exited === undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
      await this.exit;
      clearTimeout(timer);
    }
    return this.#exited!;
  }

  #notify(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}

const live = new Set<Peer>();
process.once('exit', () => {
  for (const peer of live) peer.child.kill('SIGKILL');
});

/** Kills every process started through this module that is still running. */
export async function killPeers(): Promise<void> {
  await Promise.all([...live].map((peer) => peer.kill()));
}

/**
 * For an interop test file: returns `track`, and after each test ends every
 * peer process, then closes every socket given to `track`.
 */
export function useInterop(): <T extends Closable>(socket: T) => T {
  return useTracked(killPeers);
}

/** Starts a peer at `address`; `peerBinds` says whether it binds or connects there. */
export type StartPeer = (address: string, peerBinds: boolean) => Peer;

/** Starts `nanocat` with `args`. */
export function nanocat(args: readonly string[]): Peer {
  return new Peer('nanocat', args);
}

/**
 * A `StartPeer` for `nanocat PROTOCOL --bind|--connect ADDRESS ...OPTIONS`,
 * e.g. `nanocatAt('--pull', '--quoted')`.
 */
export function nanocatAt(protocol: string, ...options: string[]): StartPeer {
  return (addr, peerBinds) =>
    nanocat([protocol, peerBinds ? '--bind' : '--connect', addr, ...options]);
}

/** Starts `nanocat PROTOCOL --connect ADDRESS ...OPTIONS`: a peer of our bound socket. */
export function nanocatTo(addr: string, protocol: string, ...options: string[]): Peer {
  return nanocatAt(protocol, ...options)(addr, false);
}

/** Starts `perl <perlDir>/<script>` with `args`. */
export function perl(script: string, args: readonly string[]): Peer {
  return new Peer('perl', [join(perlDir, script), ...args]);
}

/** A `StartPeer` for `perl <perlDir>/<script> bind|connect ADDRESS ...ARGS`. */
export function perlAt(script: string, ...args: string[]): StartPeer {
  return (addr, peerBinds) => perl(script, [peerBinds ? 'bind' : 'connect', addr, ...args]);
}

let files: string | undefined;
let fileSerial = 0;

/** Writes `bytes` to a fresh file in this run's folder (for nanocat `--file`); returns its path. */
export function dataFile(bytes: Uint8Array): string {
  files ??= mkdtempSync(join(ipcFolder(), 'data-'));
  const path = join(files, `data${++fileSerial}.bin`);
  writeFileSync(path, bytes);
  return path;
}

/** Resolves once something accepts a stream connection at `address` (tcp, ws or ipc). */
function probe(addr: string): Promise<boolean> {
  const m = /^(?:tcp|ws):\/\/([^:/]+):(\d+)/.exec(addr);
  const options = m ? { host: m[1]!, port: Number(m[2]) } : { path: addr.replace(/^ipc:\/\//, '') };
  return new Promise((resolve) => {
    const socket = createConnection(options);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts a peer that binds `transport` at a fresh address and waits until it
 * accepts connections. A peer that exits because the address is in use is
 * started again at another one; any other early exit fails.
 */
export async function bindPeer(
  transport: InteropTransport,
  start: StartPeer,
  within = DEFAULT_WAIT,
): Promise<{ peer: Peer; address: string }> {
  for (let attempt = 0; ; attempt++) {
    const addr = address(transport);
    const peer = start(addr, true);
    const end = Date.now() + within;
    for (;;) {
      if (peer.exited) {
        if (/in use/i.test(peer.stderr()) && attempt < 20) break;
        throw new Error(`the peer did not bind ${addr}: ${peer.describe()}`);
      }
      if (await probe(addr)) return { peer, address: addr };
      if (Date.now() > end) {
        await peer.kill();
        throw new Error(
          `the peer did not accept connections at ${addr} within ${within} ms: ${peer.describe()}`,
        );
      }
      await sleep(10);
    }
  }
}

interface Bindable {
  bind(address: string): { address: string };
  connect(address: string): unknown;
}

/**
 * Links `socket` with a peer process: with role `'bind'` our socket binds
 * and the peer connects; with `'connect'` the peer binds and our socket
 * connects. `start` gets the address and whether the peer binds.
 */
export async function link(
  socket: Bindable,
  transport: InteropTransport,
  role: Role,
  start: StartPeer,
): Promise<{ peer: Peer; address: string }> {
  if (role === 'bind') {
    const addr = bindAny(socket, transport).address;
    return { peer: start(addr, false), address: addr };
  }
  const bound = await bindPeer(transport, (addr) => start(addr, true));
  socket.connect(bound.address);
  return bound;
}

/** A socket that both sends and receives (Pair, Bus). */
interface DuplexSocket extends Bindable {
  recv(options: { timeout: number }): Promise<Buffer>;
  send(message: Uint8Array, options: { timeout: number }): Promise<unknown>;
}

/**
 * Every byte value both ways between `ours` and a nanocat `protocol` peer
 * (`--pair`, `--bus`) linked as `role` says: nanocat sends `theirs` from a
 * file, which must arrive intact; we send `allBytes`, which it must print
 * exactly (`--hex`).
 */
export async function everyByteBothWays(
  ours: DuplexSocket,
  transport: InteropTransport,
  role: Role,
  protocol: string,
  theirs: Buffer,
): Promise<void> {
  const start = nanocatAt(protocol, '--file', dataFile(theirs), '--interval', '0.05', '--hex');
  const { peer } = await link(ours, transport, role, start);
  const got = await ours.recv({ timeout: 5000 });
  expect(got.equals(theirs)).toBe(true);
  await ours.send(allBytes, { timeout: 5000 });
  expect(await peer.waitForLines(1)).toEqual([hexLine(allBytes)]);
}

/** How nanocat `--hex` prints a message: `"\x00\x01..."`. */
export function hexLine(bytes: Uint8Array): string {
  return `"${Array.from(bytes, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`;
}

/**
 * How nanocat `--quoted` prints a message: in double quotes, `\n` `\r` `\\`
 * `\"` escaped, other unprintable bytes as `\xNN`. (For bytes below 0x80.)
 */
export function quotedLine(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x5c || b === 0x22) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** How nanocat `--ascii` prints a message: printable bytes as they are, others as `.`. */
export function asciiLine(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
}

/** Every byte value once: 0x00 … 0xff. */
export const allBytes: Buffer = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
