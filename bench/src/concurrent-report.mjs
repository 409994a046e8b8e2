// The tables of the "many requests in flight" scenario (concurrent.mjs), in
// the driver's style: printTable(title, rows) prints them and adds them to the
// results' Markdown, say(text) adds a line to both.
import { fmt } from './common.mjs';
import { MEMORY_COUNT, VARIANTS } from './concurrent.mjs';

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
const rx = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');
const label = (cell) => `${cell.transport} d=${cell.delayMs} ms N=${cell.n}`;

/** Requests/s when N requests each wait d and nothing else takes time; NaN for d = 0. */
export const ideal = (cell) => (cell.delayMs > 0 ? (cell.n * 1000) / cell.delayMs : NaN);

/** The issue's targets, checked on the medians: a list of { name, cell, value, reference, ratio, want, pass }. */
export function concurrentTargets(data) {
  const targets = [];
  for (const cell of data.cells) {
    const m = data.medians[cell.id];
    const ours = m?.concurrent?.reqPerSec;
    if (!Number.isFinite(ours)) continue;
    const c = m['c-nng']?.reqPerSec;
    if (cell.delayMs === 1 && cell.n <= 64) {
      const reference = Number.isFinite(c) ? Math.min(ideal(cell), c) : ideal(cell);
      const of = reference === c ? 'C NNG' : 'ideal N/d';
      const r = ratio(ours, reference);
      targets.push({
        name: 'd=1 ms, N<=64: >= 0.8x min(ideal, C NNG)',
        cell: cell.id,
        value: ours,
        reference,
        of,
        ratio: r,
        want: 0.8,
        pass: r >= 0.8,
      });
    }
    if (cell.delayMs === 0 && cell.n === 64 && Number.isFinite(c)) {
      const r = ratio(ours, c);
      targets.push({
        name: 'd=0, N=64: >= 0.6x C NNG',
        cell: cell.id,
        value: ours,
        reference: c,
        of: 'C NNG',
        ratio: r,
        want: 0.6,
        pass: r >= 0.6,
      });
    }
  }
  return targets;
}

export function reportConcurrent(data, { printTable, say }) {
  const { cells, medians, settings } = data;
  const variants = Object.keys(data.variants);
  if (cells.length > 0) {
    say('');
    say(
      `Many requests in flight: ${settings.size} B requests, the handler echoes after waiting d ` +
        `(Node: a promise around setTimeout; C: a timer thread); ${settings.warmMs} ms warm-up, ` +
        `${settings.measureMs} ms measured, ${settings.rounds} round(s). ` +
        variants.map((v) => `${VARIANTS[v].label} = ${VARIANTS[v].note}`).join('; ') +
        '. Ideal = N / d.',
    );
    if (data.nngMissing) say(`Not measured: C NNG, which could not be built: ${data.nngMissing}`);
    const has = (v) => variants.includes(v);
    const head = ['cell', ...variants.map((v) => VARIANTS[v].label), 'ideal N/d'];
    if (has('concurrent')) {
      head.push('concurrent / ideal');
      if (has('c-nng')) head.push('concurrent / C NNG');
      if (has('one-at-a-time')) head.push('concurrent / one-at-a-time');
    }
    const rows = [head];
    for (const cell of cells) {
      const m = medians[cell.id] ?? {};
      const rate = (v) => m[v]?.reqPerSec;
      const row = [label(cell), ...variants.map((v) => fmt(rate(v))), fmt(ideal(cell))];
      if (has('concurrent')) {
        row.push(cell.delayMs > 0 ? rx(ratio(rate('concurrent'), ideal(cell))) : '-');
        if (has('c-nng')) row.push(rx(ratio(rate('concurrent'), rate('c-nng'))));
        if (has('one-at-a-time')) row.push(rx(ratio(rate('concurrent'), rate('one-at-a-time'))));
      }
      rows.push(row);
    }
    printTable('Many requests in flight: requests/s (median over rounds, higher is better)', rows);
    const stalled = Object.entries(data.raw).flatMap(([id, byVariant]) =>
      Object.entries(byVariant).flatMap(([v, rs]) =>
        rs.filter((r) => r.stalled > 0).map((r) => `${id} ${VARIANTS[v].label}: ${r.stalled}`),
      ),
    );
    if (stalled.length > 0) {
      say(
        `Callers left waiting longer than the whole measurement (a reply lost, resent after ` +
          `resendInterval): ${stalled.join('; ')}.`,
      );
    }

    const cpu = [['cell', ...variants.map((v) => VARIANTS[v].label)]];
    for (const cell of cells) {
      const m = medians[cell.id] ?? {};
      cpu.push([
        label(cell),
        ...variants.map((v) =>
          m[v] ? `${fmt(m[v].clientCpuUsPerReq)} / ${fmt(m[v].serverCpuUsPerReq)}` : 'n/a',
        ),
      ]);
    }
    printTable(
      'Many requests in flight: CPU microseconds per request, client / server (median; whole process, all threads)',
      cpu,
    );
  }

  const targets = concurrentTargets(data);
  if (targets.length > 0) {
    const rows = [['target', 'cell', 'concurrent req/s', 'reference', 'ratio', 'met']];
    for (const t of targets) {
      rows.push([
        t.name,
        t.cell.slice('concurrent/'.length),
        fmt(t.value),
        `${fmt(t.reference)} (${t.of})`,
        rx(t.ratio),
        t.pass ? 'yes' : 'NO',
      ]);
    }
    printTable('Many requests in flight: targets (ratios from this run)', rows);
  }

  const mem = data.memory;
  if (mem && !mem.error) {
    const n = mem.count.toLocaleString('en-US');
    const bytes = (b) => (Number.isFinite(b) ? `${fmt(b)} B` : 'n/a');
    const rows = [
      [
        'side',
        'RSS MB before',
        `RSS MB with ${n}`,
        'heap used MB before',
        `heap used MB with ${n}`,
        'RSS per request',
        'heap per request',
      ],
    ];
    for (const [side, s] of [
      ['client (concurrent Req)', mem.client],
      ['server (concurrent Rep, handlers holding)', mem.server],
    ]) {
      rows.push([
        side,
        fmt(s.base.rssMB),
        fmt(s.held.rssMB),
        fmt(s.base.heapUsedMB),
        fmt(s.held.heapUsedMB),
        bytes(s.rssBytesPerRequest),
        bytes(s.heapBytesPerRequest),
      ]);
    }
    printTable(
      `Many requests in flight: memory with ${n} requests in flight (${mem.transport})`,
      rows,
    );
    say(
      `Sampled after a forced GC, before (after a first round of ${n} as warm-up) and while the ` +
        `server's handlers held all ${n}; client external memory per request: ` +
        `${bytes(mem.client.externalBytesPerRequest)}. Each round took ` +
        `${mem.roundMs.map((ms) => `${fmt(ms)} ms`).join(' and ')} from the first request to the last ` +
        `reply (the server answers ${n} in paced batches: a raw REP drops a reply its pipe cannot ` +
        `take); requests resent: ${mem.resends}.`,
    );
  } else if (mem?.error) {
    say(
      `Memory with ${MEMORY_COUNT.toLocaleString('en-US')} requests in flight: failed: ${mem.error}`,
    );
  }
  return targets;
}
