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
//                  reply, against N REP contexts looping receive -> wait d -> send
//                  (the wait: a timer thread of its own; nng_sleep_aio(1) of
//                  libnng 1.5.2 takes 2 ms and 1 ms of CPU)
//
// Each measurement runs warm-up then a fixed time; the client reports
// requests/s and its CPU per request over that window, the server its CPU per
// request over the same window (told by the driver: "mark" at its start and
// end). Then the memory of a concurrent Req with 10,000 requests in flight,
// held by a concurrent Rep until all have come.
import { median } from './common.mjs';
import { MEMORY_COUNT, measureMemory } from './concurrent-memory.mjs';
import { Side, bindServer, next, peerScript } from './concurrent-sides.mjs';
import { PeerPool, parseLine } from './run.mjs';

export { MEMORY_COUNT };

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
    note: 'C on libnng (c/nngbench.c): N REQ contexts each looping request -> reply; N REP contexts each receive -> wait d (a timer thread) -> send',
  },
};

export const NS = [1, 16, 64, 256];
export const DELAYS = [0, 1];
export const TRANSPORTS = ['ipc', 'tcp'];
export const SIZE = 64;

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
      stalled: result.stalled,
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
    // The pooled Node peers' first runs are slower (the JIT): one unrecorded
    // run per Node variant first.
    for (const variant of p.variants.filter((v) => v !== 'c-nng' && p.cells.length > 0)) {
      const cell = { transport: 'ipc', delayMs: 0, n: 64 };
      const r = await measureOne(cell, variant, { ...ctx(), measureMs: p.warmMs });
      if (r.error) say(`  warm-up of ${VARIANTS[variant].label}: ${r.error.slice(0, 300)}`);
    }
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
          if (r.stalled > 0) progress(` (${r.stalled} stalled)`);
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
    memory = await measureMemory(ctx(), SIZE);
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
