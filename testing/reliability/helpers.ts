// Shared by the reliability tests: child processes running ./fixtures (which
// may crash, be killed or be restarted on purpose), descriptor counts, and
// a linear-regression slope for "does this keep growing". Imported by
// relative path; not a published package.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { address, bindAny, sleep, type Transport } from '../helpers.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child outlived its timeout and was killed. */
  timedOut: boolean;
}

/** A fixture running in its own Node.js process. */
export class Child {
  readonly process: ChildProcess;
  readonly done: Promise<Outcome>;
  #stdout = '';
  #stderr = '';
  #waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  #lines: string[] = [];
  #partial = '';

  constructor(
    name: string,
    args: readonly string[] = [],
    {
      timeout = 120_000,
      env = {},
      execArgv = [] as string[],
      wrap = [] as string[],
    }: {
      /**
       * SIGKILL the child after this many ms: a safety net for a child that
       * would outlive its test, longer than any test's own timeout so that a
       * slow machine never kills a peer the test still relies on.
       */
      timeout?: number;
      env?: Record<string, string>;
      execArgv?: string[];
      /** A command to run Node.js under, e.g. ['ip', 'netns', 'exec', name]. */
      wrap?: string[];
    } = {},
  ) {
    const node = [process.execPath, ...execArgv, join(fixturesDir, name), ...args];
    const [command, ...rest] = [...wrap, ...node];
    this.process = spawn(command!, rest, {
      cwd: fixturesDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this);
    this.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop()!;
      for (const line of parts) {
        this.#lines.push(line);
        for (const w of this.#waiters.splice(0)) {
          if (w.test(line)) w.resolve(line);
          else this.#waiters.push(w);
        }
      }
    });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.process.kill('SIGKILL');
    }, timeout);
    this.done = new Promise<Outcome>((resolve, reject) => {
      this.process.once('error', reject);
      this.process.once('close', (code, signal) => {
        clearTimeout(timer);
        live.delete(this);
        for (const w of this.#waiters.splice(0)) w.resolve('');
        resolve({ code, signal, stdout: this.#stdout, stderr: this.#stderr, timedOut });
      });
    });
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first line (seen so far or later) that `test` accepts; '' if the child ends first. */
  line(test: string | RegExp | ((line: string) => boolean), within = 15_000): Promise<string> {
    const fn =
      typeof test === 'string'
        ? (l: string) => l === test
        : test instanceof RegExp
          ? (l: string) => test.test(l)
          : test;
    const seen = this.#lines.find(fn);
    if (seen !== undefined) return Promise.resolve(seen);
    if (!this.running) return Promise.resolve('');
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no line matching ${String(test)} within ${within} ms; stdout: ${this.#stdout.slice(-2000)} stderr: ${this.#stderr.slice(-2000)}`,
            ),
          ),
        within,
      );
      this.#waiters.push({
        test: fn,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  /** Every stdout line that parses as a JSON object. */
  json<T = Record<string, unknown>>(): T[] {
    const out: T[] = [];
    for (const l of this.#lines) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l) as T);
      } catch {
        // not a record
      }
    }
    return out;
  }

  /** Sends `signal` to this child (by its own pid) and waits for it to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Outcome> {
    if (this.running) this.process.kill(signal);
    return this.done;
  }
}

const live = new Set<Child>();

/** Kills every fixture process still running (for afterEach/afterAll). */
export async function killChildren(): Promise<void> {
  await Promise.all([...live].map((c) => c.kill()));
}

/** The number of open descriptors of this process (/proc/self/fd). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Least-squares slope of `ys` over `xs` (units of y per unit of x). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Polls `condition` until it holds; throws after `within` ms. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  within = 10_000,
): Promise<void> {
  const end = Date.now() + within;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${within} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
