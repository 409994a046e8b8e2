// Runs one measurement: starts the peers (C processes, Node peers either
// fresh or from a pool of long-lived ones), wires them with the line protocol
// (READY / LOADED / go ADDR / RESULT / CPU / DONE / ERROR) and returns the
// RESULT of the measuring side.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchDir, cBinary, randomPort } from './common.mjs';

const peerScript = join(benchDir, 'src', 'peer.mjs');
const memoryScript = join(benchDir, 'src', 'memory.mjs');

/** A child process whose stdout is read line by line. */
export class Child {
  constructor(command, args) {
    this.command = `${command} ${args.join(' ')}`;
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = [];
    this.waiters = [];
    this.stderr = '';
    this.exited = false;
    this.exitCode = undefined;
    let buffer = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      this.#wake();
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.proc.stdin.on('error', () => {});
    this.exitPromise = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code ?? signal;
        this.#wake();
        resolve();
      });
      this.proc.on('error', (error) => {
        this.exited = true;
        this.exitCode = String(error);
        this.stderr += String(error);
        this.#wake();
        resolve();
      });
    });
  }

  #wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves on the next line or exit, or at `deadline`. */
  changed(deadline) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      t.unref();
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Takes the first line starting with one of `prefixes`, or an ERROR line, if there is one. */
  take(prefixes) {
    const i = this.lines.findIndex(
      (l) => prefixes.some((p) => l.startsWith(p)) || l.startsWith('ERROR '),
    );
    if (i >= 0) return this.lines.splice(i, 1)[0];
    if (this.exited) {
      const why = `exited (${this.exitCode}) ${this.stderr.trim().slice(-600)}`;
      return `ERROR ${JSON.stringify({ message: why })}`;
    }
    return undefined;
  }

  /** The first line starting with one of `prefixes` (consumed); an ERROR line; or a made-up ERROR. */
  expect(prefixes, deadline) {
    return expectAny([[this, prefixes]], deadline).then(([, line]) => line);
  }

  send(line) {
    if (!this.exited) this.proc.stdin.write(`${line}\n`);
  }

  kill() {
    if (!this.exited) this.proc.kill('SIGKILL');
    return this.exitPromise;
  }

  /** Ends stdin (the peers' signal to finish and exit); kills after `graceMs`. */
  async stop(graceMs, { signal = false } = {}) {
    if (this.exited) return;
    this.proc.stdin.end();
    if (signal) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(t);
  }
}

/**
 * Waits until one of several children has a wanted line: `waits` is a list of
 * [child, prefixes]; resolves with [child, line]. ERROR lines always count.
 */
export async function expectAny(waits, deadline) {
  for (;;) {
    for (const [child, prefixes] of waits) {
      const line = child.take(prefixes);
      if (line !== undefined) return [child, line];
    }
    if (Date.now() >= deadline) {
      return [waits[0][0], `ERROR ${JSON.stringify({ message: 'timed out', timeout: true })}`];
    }
    await Promise.race(waits.map(([child]) => child.changed(deadline)));
  }
}

export function parseLine(line) {
  const space = line.indexOf(' ');
  const tag = space < 0 ? line : line.slice(0, space);
  let data;
  try {
    data = space < 0 ? undefined : JSON.parse(line.slice(space + 1));
  } catch {
    data = { message: line };
  }
  return { tag, data };
}

const MODES = {
  'thr:bind': 'thr-recv',
  'thr:connect': 'thr-send',
  'thr:inproc': 'thr-inproc',
  'lat:bind': 'lat-rep',
  'lat:connect': 'lat-req',
  'lat:inproc': 'lat-inproc',
};

/** The C baseline's arguments for one side. */
function cArgs(m, role, addr) {
  const { pattern, size, count, warm } = m;
  if (m.impl === 'c-1t') return ['thr-inproc-1t', size, count, warm].map(String);
  const args = {
    'thr:bind': ['thr-recv', addr, size, count, warm],
    'thr:connect': ['thr-send', size, warm + count],
    'thr:inproc': ['thr-inproc', size, count, warm],
    'lat:bind': ['lat-rep', addr, size, warm + count],
    'lat:connect': ['lat-req', size, count, warm],
    'lat:inproc': ['lat-inproc', size, count, warm],
  }[`${pattern}:${role}`];
  return args.map(String);
}

/** The Node peer's spec for one side. */
function nodeSpec(m, role, addr) {
  const { impl, size, count, warm, threshold } = m;
  const mode = MODES[`${m.pattern}:${role}`];
  return { impl, mode, size, count, warm, addr, threshold, ...m.extra };
}

/**
 * Long-lived Node peers, two per implementation (a binding one and a
 * connecting one), so a measurement does not pay Node's start-up. `script`:
 * the peer they run (default peer.mjs), which prints SERVING when it is ready.
 */
export class PeerPool {
  #children = new Map();
  #script;

  constructor(script = peerScript) {
    this.#script = script;
  }

  get(impl, slot) {
    const key = `${impl}:${slot}`;
    let child = this.#children.get(key);
    if (child === undefined || child.exited) {
      child = new Child(process.execPath, [this.#script]);
      child.ready = child.expect(['SERVING'], Date.now() + 30_000);
      this.#children.set(key, child);
    }
    return child;
  }

  drop(child) {
    for (const [k, c] of this.#children) if (c === child) this.#children.delete(k);
    return child.kill();
  }

  async close() {
    await Promise.all([...this.#children.values()].map((c) => c.stop(3000)));
    this.#children.clear();
  }
}

/**
 * One side of a measurement.
 * kind: 'c' (a C process), 'fresh' (a Node process for this run) or 'pooled'.
 */
class Side {
  constructor(m, role, { pool, nodeFlags, wrap }) {
    this.m = m;
    this.role = role;
    this.isC = m.impl === 'c' || m.impl === 'c-1t';
    this.kind = this.isC ? 'c' : pool && m.impl !== 'memory' ? 'pooled' : 'fresh';
    this.pool = pool;
    this.nodeFlags = nodeFlags;
    this.wrap = wrap;
    this.child = undefined;
  }

  /** Starts the side (binding sides get their address now, connecting sides later). */
  async start(addr, deadline) {
    const { m, role } = this;
    if (this.kind === 'c') {
      const full = [...(this.wrap?.(role) ?? []), cBinary, ...cArgs(m, role, addr)];
      this.child = new Child(full[0], full.slice(1));
    } else if (this.kind === 'fresh') {
      const script = m.impl === 'memory' ? memoryScript : peerScript;
      const node = [
        process.execPath,
        ...(this.nodeFlags?.(role) ?? []),
        script,
        JSON.stringify(nodeSpec(m, role, addr)),
      ];
      const full = [...(this.wrap?.(role) ?? []), ...node];
      this.child = new Child(full[0], full.slice(1));
    } else {
      this.child = this.pool.get(m.impl, role === 'connect' ? 'connect' : 'bind');
      const ready = parseLine(await this.child.ready);
      if (ready.tag !== 'SERVING') return `ERROR ${JSON.stringify(ready.data)}`;
      this.child.lines.length = 0;
      this.child.send(`run ${JSON.stringify(nodeSpec(m, role, addr))}`);
    }
    return undefined;
  }

  expect(prefixes, deadline) {
    return this.child.expect(prefixes, deadline);
  }

  send(line) {
    this.child.send(line);
  }

  /** Ends the run; pooled peers stay for the next one unless they misbehave. */
  async finish() {
    const child = this.child;
    if (child === undefined) return;
    if (this.kind === 'pooled') {
      child.send('end');
      const done = parseLine(await child.expect(['DONE'], Date.now() + 10_000));
      if (done.tag !== 'DONE') await this.pool.drop(child);
      return;
    }
    // A wrapped C side (perf, strace) ends with its stdin: a signal would
    // reach the wrapper, which then loses what it recorded.
    // A C REP ends with its stdin too: it reports its CPU time then.
    const signal = this.isC && this.role !== 'connect' && !this.wrap && this.m.pattern !== 'lat';
    await child.stop(this.isC ? 2000 : 10_000, { signal });
  }

  cpuLine() {
    return this.child?.lines.find((l) => l.startsWith('CPU '));
  }
}

/**
 * Runs one measurement.
 * m: { impl, pattern: 'thr'|'lat', transport: 'inproc'|'ipc'|'tcp', size, count, warm,
 *      threshold?, sender? (impl of the connecting side; default impl), extra? }
 * opts: { runDir (for ipc paths), timeoutMs, serial (unique number), pool? (PeerPool;
 *         without it every Node side is a fresh process), nodeFlags(role)?, wrap(role)?
 *         (a command prefix such as perf, for C and fresh Node sides) }
 * Returns the measuring side's RESULT object, or { error }.
 */
export async function measure(m, opts) {
  const deadline = Date.now() + opts.timeoutMs;
  if (m.transport === 'inproc') {
    const side = new Side(m, 'inproc', opts);
    try {
      const early = await side.start(`inproc://bench-${opts.serial}`, deadline);
      const { tag, data } = parseLine(early ?? (await side.expect(['RESULT '], deadline)));
      return tag === 'RESULT' ? data : { error: data?.message ?? 'failed' };
    } finally {
      await side.finish();
    }
  }

  const connector = new Side({ ...m, impl: m.sender ?? m.impl }, 'connect', opts);
  const sides = [connector];
  let result;
  try {
    const early = await connector.start(undefined, deadline);
    result = early
      ? { error: `connect side: ${parseLine(early).data?.message}` }
      : await twoSides(m, connector, sides, opts, deadline);
  } finally {
    await Promise.all(sides.map((s) => s.finish()));
  }
  // A PUSH reports its CPU time per message, a REP per round trip, when its run ends.
  const reporter = m.pattern === 'thr' ? connector : sides[1];
  const cpuLine = reporter?.cpuLine();
  if (cpuLine !== undefined && !result.error) {
    const cpu = parseLine(cpuLine).data;
    const role = m.pattern === 'thr' ? 'sender' : 'server';
    result[`${role}CpuUsPerMsg`] = cpu?.cpuUsPerMsg;
    result[`${role}MainCpuUsPerMsg`] = cpu?.mainCpuUsPerMsg;
  }
  return result;
}

async function twoSides(m, connector, sides, opts, deadline) {
  let binder;
  let addr;
  for (let attempt = 0; ; attempt++) {
    addr =
      m.transport === 'ipc'
        ? `ipc://${join(opts.runDir, `${opts.serial}-${attempt}.ipc`)}`
        : `tcp://127.0.0.1:${randomPort()}`;
    binder = new Side(m, 'bind', opts);
    sides.push(binder);
    const early = await binder.start(addr, deadline);
    const { tag, data } = parseLine(early ?? (await binder.expect(['READY'], deadline)));
    if (tag === 'READY') break;
    await binder.finish();
    sides.pop();
    if (!(data?.addrinuse && attempt < 5)) return { error: `bind side: ${data?.message}` };
  }
  const loaded = parseLine(await connector.expect(['LOADED'], deadline));
  if (loaded.tag !== 'LOADED') return { error: `connect side: ${loaded.data?.message}` };
  connector.send(`go ${addr}`);
  // The PULL measures throughput; the REQ measures round trips.
  const measuring = m.pattern === 'thr' ? binder : connector;
  const other = measuring === binder ? connector : binder;
  const [, line] = await expectAny(
    [
      [measuring.child, ['RESULT ']],
      [other.child, []],
    ],
    deadline,
  );
  const { tag, data } = parseLine(line);
  if (tag !== 'RESULT') {
    const side = measuring === binder ? 'bind side' : 'connect side';
    return { error: `${side}: ${data?.message ?? line}` };
  }
  return data;
}
