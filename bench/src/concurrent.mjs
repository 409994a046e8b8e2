// The "many requests in flight" scenario of `pnpm bench` (its tables:
// concurrent-report.mjs). Requests per second with N requests in flight
// (N = 1, 16, 64, 256) against a service whose handler waits d (0 or 1 ms),
// over ipc and tcp, for three client/server pairs, each side in its own process:
//
//   one-at-a-time  a cooked Req with N callers of request() (they queue: one
//                  outstanding) against a cooked Rep's serve (one handler at a time)
//   concurrent     new Req({ concurrent: true }) with N callers, each looping
//                  await request() -> next, against new Rep({ concurrent: true })
//                  .serve(handler, { concurrency: N })
//   c-nng          C on NNG (c/nngbench.c): N REQ contexts looping request ->
//                  reply, against N REP contexts looping receive -> nng_sleep_aio(d) -> send
//
// Each measurement runs warm-up then a fixed time; the client reports
// requests/s and its CPU per request over that window, the server its CPU per
// request over the same window (told by the driver: "mark" at its start and
// end). Then the memory of a concurrent Req with 10,000 requests in flight,
// held by a concurrent Rep until all have come.
import { join } from 'node:path';
import { benchDir, median, nngBinary, randomPort } from './common.mjs';
import { Child, PeerPool, expectAny, parseLine } from './run.mjs';

const peerScript = join(benchDir, 'src', 'concurrent-peer.mjs');

export const VARIANTS = {
  'one-at-a-time': {
    label: 'one-at-a-time',
    note: 'cooked Req, N callers of request() queued (one outstanding); cooked Rep serve (one handler at a time)',
  },
  concurrent: {
    label: 'concurrent',
    note: 'Req({ concurrent: true }), N callers each looping request(); Rep({ concurrent: true }).serve(handler, { concurrency: N })',
  },
  'c-nng': {
    label: 'C NNG',
    note: 'C on libnng (c/nngbench.c): N REQ contexts each looping request -> reply; N REP contexts each receive -> nng_sleep_aio(d) -> send',
  },
};

export const NS = [1, 16, 64, 256];
export const DELAYS = [0, 1];
export const TRANSPORTS = ['ipc', 'tcp'];
export const SIZE = 64;
export const MEMORY_COUNT = 10_000;

/** What a run measures: cells (filtered by `only`), variants (by `impls`), times. */
export function plan({ quick, rounds, only, impls, nng }) {
  const cells = [];
  for (const transport of TRANSPORTS) {
    for (const delayMs of DELAYS) {
      for (const n of NS) {
        const id = `concurrent/${transport}/d${delayMs}/N${n}`;
        if (!only || only.test(id)) cells.push({ id, transport, delayMs, n });
      }
    }
  }
  let variants = Object.keys(VARIANTS).filter((v) => v !== 'c-nng' || nng?.ok);
  const wanted = impls?.split(',').filter((i) => i in VARIANTS);
  if (wanted?.length > 0) variants = variants.filter((v) => wanted.includes(v));
  return {
    cells,
    variants,
    rounds: rounds ?? (quick ? 1 : 3),
    warmMs: quick ? 100 : 250,
    measureMs: quick ? 200 : 1000,
    memory: !only || only.test('concurrent/memory'),
    nngMissing: nng?.ok ? undefined : (nng?.error ?? 'not built'),
  };
}

/** One side of a measurement: a C process of its own, or a pooled Node peer. */
class Side {
  constructor(variant, slot, pool) {
    this.variant = variant;
    this.slot = slot;
    this.pool = pool;
    this.child = undefined;
  }

  /** Starts it: `args` for the C program, `spec` for the Node peer. Returns an ERROR line or undefined. */
  async start(args, spec) {
    if (this.variant === 'c-nng') {
      this.child = new Child(nngBinary, args.map(String));
      return undefined;
    }
    this.child = this.pool.get('node', this.slot);
    const ready = await this.child.ready;
    if (!ready.startsWith('SERVING')) return ready;
    this.child.lines.length = 0;
    this.child.send(`run ${JSON.stringify({ variant: this.variant, ...spec })}`);
    return undefined;
  }

  async finish() {
    const child = this.child;
    if (child === undefined) return;
    if (this.variant === 'c-nng') return child.stop(2000);
    child.send('end');
    const done = parseLine(await child.expect(['DONE'], Date.now() + 10_000));
    if (done.tag !== 'DONE') await this.pool.drop(child);
  }
}

/** Waits for a line of `side` starting with one of `prefixes`; an ERROR of either side ends it. */
async function next(side, other, prefixes, deadline) {
  const [child, line] = await expectAny(
    [
      [side.child, prefixes],
      [other.child, []],
    ],
    deadline,
  );
  const { tag, data } = parseLine(line);
  if (tag === 'ERROR') {
    const who = child === side.child ? side.slot : other.slot;
    throw Object.assign(new Error(`${who}: ${data?.message ?? line}`), { data });
  }
  return data;
}

function address(transport, runDir, serial, attempt) {
  return transport === 'ipc'
    ? `ipc://${join(runDir, `conc-${serial}-${attempt}.ipc`)}`
    : `tcp://127.0.0.1:${randomPort()}`;
}

/** Binds a server (retrying another address when it is taken); resolves with its address and first line. */
async function bindServer(server, client, transport, ctx, start, deadline) {
  for (let attempt = 0; ; attempt++) {
    const addr = address(transport, ctx.runDir, ctx.serial, attempt);
    const early = await start(addr);
    if (early !== undefined) throw new Error(`server: ${parseLine(early).data?.message}`);
    try {
      const data = await next(server, client, ['READY'], deadline);
      return { addr, data };
    } catch (error) {
      if (!(error.data?.addrinuse && attempt < 5)) throw error;
      await server.finish();
    }
  }
}

/** One cell with one variant: { reqPerSec, clientCpuUsPerReq, serverCpuUsPerReq, … } or { error }. */
async function measureOne(cell, variant, ctx) {
  const { transport, n, delayMs } = cell;
  const { warmMs, measureMs, pool } = ctx;
  const deadline = Date.now() + ctx.timeoutMs;
  const client = new Side(variant, 'client', pool);
  const server = new Side(variant, 'server', pool);
  try {
    const early = await client.start(['request', n, SIZE, warmMs, measureMs], {
      role: 'request',
      n,
      size: SIZE,
      warmMs,
      measureMs,
    });
    if (early !== undefined) throw new Error(`client: ${parseLine(early).data?.message}`);
    const { addr } = await bindServer(
      server,
      client,
      transport,
      ctx,
      (a) =>
        server.start(['serve', a, n, delayMs], {
          role: 'serve',
          addr: a,
          delayMs,
          concurrency: n,
        }),
      deadline,
    );
    await next(client, server, ['LOADED'], deadline);
    client.child.send(`go ${addr}`);
    await next(client, server, ['MARK'], deadline);
    server.child.send('mark');
    const s0 = await next(server, client, ['MARK '], deadline);
    const result = await next(client, server, ['RESULT '], deadline);
    server.child.send('mark');
    const s1 = await next(server, client, ['MARK '], deadline);
    const handled = s1.handled - s0.handled;
    return {
      reqPerSec: result.reqPerSec,
      count: result.count,
      elapsed: result.elapsed,
      clientCpuUsPerReq: result.cpuUsPerReq,
      serverCpuUsPerReq: handled > 0 ? (s1.cpuUs - s0.cpuUs) / handled : NaN,
      serverHandled: handled,
    };
  } catch (error) {
    return { error: error.message };
  } finally {
    await Promise.all([client.finish(), server.finish()]);
  }
}

/** The memory of a concurrent Req with `count` requests in flight (fresh processes, --expose-gc). */
async function measureMemory(ctx, count = MEMORY_COUNT) {
  const deadline = Date.now() + ctx.timeoutMs * 2;
  const fresh = (slot, spec) => {
    const side = {
      slot,
      child: undefined,
      start(extra) {
        const args = ['--expose-gc', peerScript, JSON.stringify({ ...spec, ...extra })];
        side.child = new Child(process.execPath, args);
        return undefined;
      },
      finish: () => side.child?.stop(5000),
    };
    return side;
  };
  const client = fresh('client', { role: 'flood', variant: 'concurrent', count, size: SIZE });
  const server = fresh('server', { role: 'hold', variant: 'concurrent', count });
  client.start();
  try {
    const { addr } = await bindServer(
      server,
      client,
      'ipc',
      ctx,
      (a) => server.start({ addr: a }),
      deadline,
    );
    await next(client, server, ['LOADED'], deadline);
    client.child.send(`go ${addr}`);
    const rounds = [];
    for (const measured of [false, true]) {
      // The first round warms up; the baseline is taken after it (after a GC).
      client.child.send('sample');
      const before = await next(client, server, ['SAMPLE '], deadline);
      client.child.send('round');
      const serverHeld = await next(server, client, ['HELD '], deadline);
      client.child.send('sample');
      const clientHeld = await next(client, server, ['SAMPLE '], deadline);
      server.child.send('release');
      const { ms } = await next(client, server, ['ROUND '], deadline);
      server.child.send('sample');
      const serverAfter = await next(server, client, ['SAMPLE '], deadline);
      rounds.push({ measured, before, clientHeld, serverHeld, serverAfter, ms });
    }
    const [warm, last] = rounds;
    const per = (a, b, key) => ((b[key] - a[key]) * 1024 * 1024) / count;
    return {
      count,
      transport: 'ipc',
      client: {
        base: last.before,
        held: last.clientHeld,
        rssBytesPerRequest: per(last.before, last.clientHeld, 'rssMB'),
        heapBytesPerRequest: per(last.before, last.clientHeld, 'heapUsedMB'),
        externalBytesPerRequest: per(last.before, last.clientHeld, 'externalMB'),
      },
      server: {
        base: warm.serverAfter,
        held: last.serverHeld,
        rssBytesPerRequest: per(warm.serverAfter, last.serverHeld, 'rssMB'),
        heapBytesPerRequest: per(warm.serverAfter, last.serverHeld, 'heapUsedMB'),
      },
      roundMs: rounds.map((r) => r.ms),
    };
  } catch (error) {
    return { error: error.message };
  } finally {
    await Promise.all([client.finish(), server.finish()]);
  }
}

/**
 * Runs the scenario: every cell once per round, the variants of a cell back
 * to back in an order that rotates; then the memory. `progress(text)` prints.
 */
export async function runConcurrent(p, { runDir, timeoutMs, progress }) {
  const pool = new PeerPool(peerScript);
  const raw = {};
  let serial = 0;
  const ctx = () => ({ ...p, runDir, timeoutMs, pool, serial: serial++ });
  const started = Date.now();
  const say = (s) => progress(`${s}\n`);
  if (p.cells.length > 0) {
    say(
      `\nmany requests in flight: ${p.variants.map((v) => VARIANTS[v].label).join(', ')}; ` +
        `${p.warmMs} ms warm-up, ${p.measureMs} ms measured, ${p.rounds} round(s)`,
    );
    if (p.nngMissing) say(`  C NNG: NOT AVAILABLE, carrying on without it: ${p.nngMissing}`);
  }
  try {
    for (let round = 0; round < p.rounds && p.cells.length > 0; round++) {
      say(`round ${round + 1}/${p.rounds}`);
      for (const cell of p.cells) {
        const list = p.variants;
        const order = list.map((_v, k) => list[(k + round) % list.length]);
        progress(`  ${cell.id.slice('concurrent/'.length).padEnd(14)}`);
        const errors = [];
        for (const variant of order) {
          const r = await measureOne(cell, variant, ctx());
          ((raw[cell.id] ??= {})[variant] ??= []).push(r);
          progress(` ${VARIANTS[variant].label}=${r.error ? 'ERR' : Math.round(r.reqPerSec)}`);
          if (r.error) errors.push(`    ${VARIANTS[variant].label}: ${r.error.slice(0, 300)}`);
        }
        progress('\n');
        for (const e of errors) say(e);
      }
    }
  } finally {
    await pool.close();
  }
  let memory;
  if (p.memory) {
    say(`memory: a concurrent Req with ${MEMORY_COUNT.toLocaleString('en-US')} requests in flight`);
    memory = await measureMemory(ctx());
    if (memory.error) say(`  failed: ${memory.error}`);
  }
  const medians = {};
  for (const cell of p.cells) {
    medians[cell.id] = {};
    for (const variant of p.variants) {
      const rs = (raw[cell.id]?.[variant] ?? []).filter((r) => !r.error);
      if (rs.length === 0) continue;
      const of = (k) => median(rs.map((r) => r[k]));
      medians[cell.id][variant] = {
        reqPerSec: of('reqPerSec'),
        clientCpuUsPerReq: of('clientCpuUsPerReq'),
        serverCpuUsPerReq: of('serverCpuUsPerReq'),
      };
    }
  }
  const { cells, variants, rounds, warmMs, measureMs, nngMissing } = p;
  return {
    settings: { size: SIZE, rounds, warmMs, measureMs, serverConcurrency: 'N' },
    variants: Object.fromEntries(variants.map((v) => [v, VARIANTS[v]])),
    nngMissing,
    cells,
    medians,
    raw,
    memory,
    seconds: (Date.now() - started) / 1000,
  };
}
