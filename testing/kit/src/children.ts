// Child processes running fixture scripts (which may crash, hang, be killed or
// be restarted on purpose), and what the process-level tests measure with
// them: descriptor counts and a slope for "does this keep growing".
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { expect } from 'vitest';

/** How a child process ended. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsed: number;
  /** True when the child outlived its timeout and was killed. */
  timedOut: boolean;
}

export interface ChildOptions {
  /**
   * SIGKILL the child after this many ms (default 120 s): a safety net for a
   * child that would outlive its test, or, shorter, a test's own limit (the
   * result says `timedOut`).
   */
  timeout?: number;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Node.js options before the script. */
  execArgv?: readonly string[];
  /** A command to run Node.js under, e.g. ['ip', 'netns', 'exec', name]. */
  wrap?: readonly string[];
}

/**
 * The path of fixture `script`: an absolute path as it is; a name is a file
 * of the `fixtures/` folder beside the test file that is running (as vitest
 * finds snapshots beside it).
 */
export function fixturePath(script: string): string {
  if (isAbsolute(script)) return script;
  const testPath = expect.getState().testPath;
  if (!testPath) throw new Error(`fixture ${script}: no test file is running`);
  return join(dirname(testPath), 'fixtures', script);
}

const live = new Set<Child>();

/**
 * A fixture script running in its own Node.js process (see `fixturePath`),
 * with the script's folder as its working directory.
 */
export class Child {
  readonly process: ChildProcess;
  readonly done: Promise<ChildResult>;
  #stdout = '';
  #stderr = '';
  #waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  #lines: string[] = [];
  #partial = '';

  constructor(
    script: string,
    args: readonly string[] = [],
    { timeout = 120_000, env = {}, execArgv = [], wrap = [] }: ChildOptions = {},
  ) {
    const path = fixturePath(script);
    const started = performance.now();
    const [command, ...rest] = [...wrap, process.execPath, ...execArgv, path, ...args];
    this.process = spawn(command!, rest, {
      cwd: dirname(path),
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
    this.done = new Promise<ChildResult>((resolve, reject) => {
      this.process.once('error', reject);
      this.process.once('close', (code, signal) => {
        clearTimeout(timer);
        live.delete(this);
        for (const w of this.#waiters.splice(0)) w.resolve('');
        resolve({
          code,
          signal,
          stdout: this.#stdout,
          stderr: this.#stderr,
          elapsed: performance.now() - started,
          timedOut,
        });
      });
    });
  }

  /** True until the child exits (or is killed). */
  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** What the child printed on stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Resolves with the first complete stdout line (seen so far or later) that
   * `test` accepts (a string: equal to it); '' if the child ends first.
   * Rejects after `within` ms.
   */
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
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildResult> {
    if (this.running) this.process.kill(signal);
    return this.done;
  }
}

/** `new Child(script, args, options)`: starts a fixture script (see `fixturePath`). */
export function runFixture(
  script: string,
  args: readonly string[] = [],
  options: ChildOptions = {},
): Child {
  return new Child(script, args, options);
}

/** Kills every fixture process still running (for afterEach/afterAll). */
export async function killChildren(): Promise<void> {
  await Promise.all([...live].map((c) => c.kill()));
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
