// The benchmark driver behind `pnpm bench`.
//
//   pnpm bench [--quick] [--rounds N] [--only REGEX] [--impls a,b] [--skip-memory]
//              [--skip-threshold] [--skip-main] [--skip-concurrent] [--timeout SECONDS]
//
// Throughput (PUSH -> PULL) and round trip (REQ/REP) for 64 B, 1 KiB, 64 KiB
// and 1 MiB over inproc, ipc and tcp, in interleaved rounds (every cell once
// per round, the implementations of a cell back to back in an order that
// rotates), medians over rounds. Then the copy threshold of received
// messages, the memory of an async-iterated Pull, and many requests in flight
// (concurrent.mjs: --only concurrent runs it alone; --impls filters its
// variants one-at-a-time, concurrent, c-nng when it names one of them).
// Prints tables with ratios and writes bench/results/<date>.json (and .md).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  KiB,
  MiB,
  fmt,
  fmtCpu,
  makeRunDir,
  markdownTable,
  median,
  nngBinary,
  resultsDir,
  sizeLabel,
  table,
} from './common.mjs';
import { plan as planConcurrent, runConcurrent } from './concurrent.mjs';
import { reportConcurrent } from './concurrent-report.mjs';
import { PeerPool, measure } from './run.mjs';
import { ensureSetup } from './setup.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    impls: { type: 'string' },
    'skip-memory': { type: 'boolean', default: false },
    'skip-threshold': { type: 'boolean', default: false },
    'skip-main': { type: 'boolean', default: false },
    'skip-concurrent': { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
  allowPositionals: false,
});

const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 2 : 5));
const timeoutMs = Number(args.timeout ?? (quick ? 20 : 60)) * 1000;
const started = Date.now();

// ---- what is measured ---------------------------------------------------------

const IMPLS = {
  c: { label: 'C', note: 'C against libnanomsg (inproc: two threads)' },
  'c-1t': {
    label: 'C 1 thread',
    note: 'C, inproc throughput only, both ends in one thread with NN_DONTWAIT (for reference)',
    inprocThrOnly: true,
  },
  'ours-user': { label: 'ours (a)', note: 'nanomsg-ts as users write it' },
  'ours-iter': {
    label: 'ours (a+b)',
    note: 'nanomsg-ts, trySend sender, for-await receiver',
    thrOnly: true,
  },
  'ours-fast': { label: 'ours (b)', note: 'nanomsg-ts fastest documented path' },
  'node-nanomsg': { label: 'node-nanomsg', note: 'npm nanomsg@4.2.1', needs: 'node-nanomsg' },
  zeromq: { label: 'zeromq.js', note: 'npm zeromq@6 (ZeroMQ, not nanomsg)', needs: 'zeromq' },
};
const OURS = ['ours-user', 'ours-iter', 'ours-fast'];
const OTHERS = ['node-nanomsg', 'zeromq'];

const SIZES = [64, 1 * KiB, 64 * KiB, 1 * MiB];
const TRANSPORTS = ['inproc', 'ipc', 'tcp'];
const scale = quick ? 1 / 20 : 1;
const COUNTS = {
  thr: { 64: 100_000, [KiB]: 100_000, [64 * KiB]: 10_000, [MiB]: 500 },
  lat: { 64: 5_000, [KiB]: 5_000, [64 * KiB]: 2_000, [MiB]: 200 },
};
const THRESHOLD_SIZES = [64, 1 * KiB, 8 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB];
const THRESHOLD_COUNTS = {
  64: 100_000,
  [KiB]: 100_000,
  [8 * KiB]: 40_000,
  [16 * KiB]: 20_000,
  [64 * KiB]: 10_000,
  [256 * KiB]: 2_000,
  [MiB]: 400,
};
const THRESHOLD_TRANSPORTS = ['inproc', 'ipc'];
const MEMORY = { size: 64, first: 10_000, count: quick ? 200_000 : 1_000_000 };

const counted = (n) => Math.max(10, Math.round(n * scale));
const warmOf = (n) => Math.max(1, Math.round(n / 10));

// ---- set-up ------------------------------------------------------------------

console.log(`nanomsg-ts benchmarks${quick ? ' (quick)' : ''}: ${rounds} round(s)`);
if (process.env.NNTS_BENCH_CORE) {
  console.log(`  measuring the core build at ${process.env.NNTS_BENCH_CORE} (NNTS_BENCH_CORE)`);
}
const status = ensureSetup({ log: (s) => console.log(`  ${s}`) });
const available = {};
for (const [impl, info] of Object.entries(IMPLS)) {
  const need = impl.startsWith('c') ? status.c : info.needs ? status[info.needs] : { ok: true };
  available[impl] = need.ok;
  if (!need.ok)
    console.log(`  ${info.label}: NOT AVAILABLE, carrying on without it: ${need.error}`);
}
let impls = Object.keys(IMPLS).filter((i) => available[i]);
if (args.impls) {
  const wanted = args.impls.split(',');
  impls = impls.filter((i) => wanted.includes(i));
}
const only = args.only ? new RegExp(args.only) : undefined;

const runDir = makeRunDir();
process.on('exit', () => runDir.remove());
process.on('SIGINT', () => process.exit(130));
let serial = 0;

function progress(text) {
  process.stdout.write(text);
}

// Long-lived Node peers: a measurement then costs no Node start-up.
const pool = new PeerPool();

function one(m) {
  return measure(m, { runDir: runDir.dir, timeoutMs, serial: serial++, pool });
}

// ---- main matrix ---------------------------------------------------------------

/** cell id -> impl -> [per-round result] */
const raw = {};
const cells = [];
for (const pattern of ['thr', 'lat']) {
  for (const transport of TRANSPORTS) {
    for (const size of SIZES) {
      const id = `${pattern}/${transport}/${size}`;
      if (only && !only.test(id)) continue;
      cells.push({ id, pattern, transport, size, count: counted(COUNTS[pattern][size]) });
    }
  }
}

function metric(pattern) {
  return pattern === 'thr' ? 'msgsPerSec' : 'rttUs';
}

function implsFor(cell) {
  return impls.filter(
    (i) =>
      !(IMPLS[i].thrOnly && cell.pattern !== 'thr') &&
      !(IMPLS[i].inprocThrOnly && !(cell.pattern === 'thr' && cell.transport === 'inproc')),
  );
}

if (!args['skip-main'] && cells.length > 0) {
  for (let round = 0; round < rounds; round++) {
    console.log(`\nround ${round + 1}/${rounds}`);
    for (const cell of cells) {
      const list = implsFor(cell);
      const order = list.map((_x, k) => list[(k + round) % list.length]);
      progress(`  ${cell.id.padEnd(22)}`);
      for (const impl of order) {
        const r = await one({ ...cell, impl, warm: warmOf(cell.count) });
        ((raw[cell.id] ??= {})[impl] ??= []).push(r);
        const v = r[metric(cell.pattern)];
        progress(
          ` ${IMPLS[impl].label}=${r.error ? 'ERR' : fmt(v)}${cell.pattern === 'lat' && !r.error ? 'us' : ''}`,
        );
      }
      progress('\n');
      for (const impl of order) {
        const r = raw[cell.id][impl].at(-1);
        if (r.error)
          console.log(`    ${IMPLS[impl].label}: ${r.error.split('\n')[0].slice(0, 300)}`);
      }
    }
  }
}

const medians = {};
const cpuMedians = {};
for (const cell of cells) {
  medians[cell.id] = {};
  cpuMedians[cell.id] = {};
  for (const impl of impls) {
    const rs = raw[cell.id]?.[impl];
    if (!rs) continue;
    medians[cell.id][impl] = median(rs.map((r) => r[metric(cell.pattern)]));
    cpuMedians[cell.id][impl] = {
      measuring: median(rs.map((r) => r.cpuUsPerMsg)),
      sender: median(rs.map((r) => r.senderCpuUsPerMsg)),
      server: median(rs.map((r) => r.serverCpuUsPerMsg)),
      measuringMain: median(rs.map((r) => r.mainCpuUsPerMsg)),
      senderMain: median(rs.map((r) => r.senderMainCpuUsPerMsg)),
      serverMain: median(rs.map((r) => r.serverMainCpuUsPerMsg)),
    };
  }
}

// ---- copy threshold -------------------------------------------------------------

const thresholdRaw = {};
const thresholdCells = [];
if (!args['skip-threshold']) {
  for (const transport of THRESHOLD_TRANSPORTS) {
    for (const size of THRESHOLD_SIZES) {
      const id = `threshold/${transport}/${size}`;
      if (only && !only.test(id)) continue;
      thresholdCells.push({ id, transport, size, count: counted(THRESHOLD_COUNTS[size]) });
    }
  }
  if (thresholdCells.length > 0) {
    console.log(
      '\ncopy threshold: ours (b) throughput with setCopyThreshold(0) (external Buffers) and (inf) (copies)',
    );
  }
  for (let round = 0; round < rounds && thresholdCells.length > 0; round++) {
    console.log(`round ${round + 1}/${rounds}`);
    for (const cell of thresholdCells) {
      progress(`  ${cell.id.padEnd(22)}`);
      const order = round % 2 === 0 ? [0, 'inf'] : ['inf', 0];
      for (const threshold of order) {
        const r = await one({
          ...cell,
          pattern: 'thr',
          impl: 'ours-fast',
          warm: warmOf(cell.count),
          threshold,
        });
        ((thresholdRaw[cell.id] ??= {})[threshold] ??= []).push(r);
        progress(` ${threshold}=${r.error ? 'ERR' : fmt(r.msgsPerSec)}`);
        if (r.error) progress(` (${r.error.split('\n')[0].slice(0, 200)})`);
      }
      progress('\n');
    }
  }
}

await pool.close();

// ---- memory ----------------------------------------------------------------------

let memory;
if (!args['skip-memory'] && (!only || only.test('memory'))) {
  console.log(
    `\nmemory: ${MEMORY.count.toLocaleString('en-US')} messages of ${MEMORY.size} B through an async-iterated Pull (ipc, C PUSH)`,
  );
  const sender = available.c ? 'c' : 'ours-fast';
  memory = await measure(
    {
      impl: 'memory',
      sender,
      pattern: 'thr',
      transport: 'ipc',
      size: MEMORY.size,
      count: MEMORY.count,
      warm: 0,
      extra: { first: MEMORY.first },
    },
    {
      runDir: runDir.dir,
      timeoutMs: timeoutMs * 4,
      serial: serial++,
      nodeFlags: () => ['--expose-gc'],
    },
  );
  if (memory.error) console.log(`  failed: ${memory.error}`);
}

// ---- many requests in flight ----------------------------------------------------

let concurrent;
if (!args['skip-concurrent']) {
  const p = planConcurrent({
    quick,
    rounds: args.rounds === undefined ? undefined : rounds,
    only,
    impls: args.impls,
    nng: status.nng,
  });
  if (args['skip-memory']) p.memory = false;
  if (p.cells.length > 0 || p.memory) {
    concurrent = await runConcurrent(p, { runDir: runDir.dir, timeoutMs, progress });
  }
}

// ---- report ---------------------------------------------------------------------

const out = [];
const md = [];
const say = (s = '') => {
  out.push(s);
  md.push(s);
};

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}
const rx = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');

const thrImpls = impls;
/** The CPU table of `pattern`'s cells: each side's CPU per message or round trip. */
function cpuTable(pattern, list, otherKey) {
  const rows = [['cell', ...list.map((i) => IMPLS[i].label)]];
  for (const cell of cells.filter((c) => c.pattern === pattern)) {
    rows.push([
      `${cell.transport} ${sizeLabel(cell.size)}`,
      ...list.map((i) => cpuPair(cell, i, otherKey)),
    ]);
  }
  return rows;
}
/** One CPU table cell: the measuring side, then the other (`otherKey`) unless inproc. */
function cpuPair(cell, impl, otherKey) {
  const c = cpuMedians[cell.id][impl];
  if (!c || !Number.isFinite(c.measuring)) return 'n/a';
  const first = fmtCpu(c.measuring, c.measuringMain);
  if (cell.transport === 'inproc' || !Number.isFinite(c[otherKey])) return first;
  return `${first} / ${fmtCpu(c[otherKey], c[`${otherKey}Main`])}`;
}
const latImpls = impls.filter((i) => !IMPLS[i].thrOnly && !IMPLS[i].inprocThrOnly);

function mainTables(pattern) {
  const list = pattern === 'thr' ? thrImpls : latImpls;
  const head = ['cell', ...list.map((i) => IMPLS[i].label)];
  const rows = [head];
  for (const cell of cells.filter((c) => c.pattern === pattern)) {
    const m = medians[cell.id];
    const c = m.c;
    rows.push([
      `${cell.transport} ${sizeLabel(cell.size)}`,
      ...list.map((i) => {
        const v = m[i];
        if (!Number.isFinite(v)) return 'n/a';
        const shown = pattern === 'thr' ? fmt(v) : `${fmt(v)} us`;
        return i === 'c' || !Number.isFinite(c) ? shown : `${shown} (${rx(ratio(v, c))})`;
      }),
    ]);
  }
  return rows;
}

function mbps(cellId, impl) {
  const size = Number(cellId.split('/')[2]);
  return (medians[cellId]?.[impl] * size) / MiB;
}

function versusTables(pattern) {
  const mine = (pattern === 'thr' ? OURS : OURS.filter((i) => !IMPLS[i].thrOnly)).filter((i) =>
    impls.includes(i),
  );
  const others = OTHERS.filter((i) => impls.includes(i));
  const pairs = [];
  for (const a of mine) for (const b of others) pairs.push([a, b]);
  const head = ['cell', ...pairs.map(([a, b]) => `${IMPLS[a].label} / ${IMPLS[b].label}`)];
  if (impls.includes('node-nanomsg') && impls.includes('zeromq')) {
    pairs.push(['node-nanomsg', 'zeromq']);
    head.push('node-nanomsg / zeromq.js');
  }
  const rows = [head];
  for (const cell of cells.filter((c) => c.pattern === pattern)) {
    const m = medians[cell.id];
    rows.push([
      `${cell.transport} ${sizeLabel(cell.size)}`,
      ...pairs.map(([a, b]) => rx(ratio(m[a], m[b]))),
    ]);
  }
  return rows;
}

function printTable(title, rows, note) {
  if (rows[0].length < 2) return; // nothing to compare with (a comparator is missing)
  out.push('', title, table(rows));
  md.push('', `### ${title}`, '', markdownTable(rows), '');
  if (note) say(note);
}

say('');
if (cells.length > 0 || thresholdCells.length > 0) {
  say(`Implementations: ${impls.map((i) => `${IMPLS[i].label} = ${IMPLS[i].note}`).join('; ')}.`);
}
for (const [impl, info] of Object.entries(IMPLS)) {
  if (available[impl] || cells.length === 0) continue;
  const s = impl.startsWith('c') ? status.c : status[info.needs];
  say(`Not measured: ${info.label}, which could not be installed or built: ${s?.error}`);
}
if (cells.some((c) => c.pattern === 'thr')) {
  printTable(
    'Throughput, messages/s (median over rounds; ratio to C in brackets, higher is better)',
    mainTables('thr'),
  );
  const bw = [['cell', ...thrImpls.map((i) => IMPLS[i].label)]];
  for (const cell of cells.filter((c) => c.pattern === 'thr')) {
    bw.push([
      `${cell.transport} ${sizeLabel(cell.size)}`,
      ...thrImpls.map((i) => fmt(mbps(cell.id, i))),
    ]);
  }
  printTable('Throughput, MiB/s', bw);
  printTable('Throughput, ours / other bindings (higher is better for ours)', versusTables('thr'));
  printTable(
    'Throughput, CPU microseconds per message (median; ipc/tcp: PULL process / PUSH process, inproc: the one process; all threads, the main thread in brackets)',
    cpuTable('thr', thrImpls, 'sender'),
  );
}
if (cells.some((c) => c.pattern === 'lat')) {
  printTable(
    'Round trip, microseconds (median over rounds; ratio to C in brackets, lower is better)',
    mainTables('lat'),
  );
  printTable('Round trip, ours / other bindings (lower is better for ours)', versusTables('lat'));
  printTable(
    'Round trip, CPU microseconds per round trip (median; ipc/tcp: REQ process / REP process, inproc: the one process; all threads, the main thread in brackets)',
    cpuTable('lat', latImpls, 'server'),
  );
}

// targets (issue 14): against C, and against the best other Node.js binding
const targets = [];
function target(name, cellIds, impl, test, want, versus = 'c') {
  for (const id of cellIds) {
    const m = medians[id];
    if (!m || !Number.isFinite(m[impl]) || !Number.isFinite(m[versus])) continue;
    const r = ratio(m[impl], m[versus]);
    targets.push({ name, cell: id, impl, versus, ratio: r, want, pass: test(r) });
  }
}
const ids = (pattern, transports, sizes) =>
  transports.flatMap((t) => sizes.map((s) => `${pattern}/${t}/${s}`));
const small = [64, KiB];
for (const impl of ['ours-user', 'ours-iter']) {
  if (!impls.includes(impl)) continue;
  const thr = ids('thr', ['ipc', 'tcp'], small);
  target('throughput >= 0.85x C', thr, impl, (r) => r >= 0.85, '>= 0.85x');
  target('throughput >= 1.2x zeromq.js', thr, impl, (r) => r >= 1.2, '>= 1.2x', 'zeromq');
  const big = ids('thr', ['ipc', 'tcp'], [64 * KiB]);
  target('throughput >= 0.8x C', big, impl, (r) => r >= 0.8, '>= 0.8x');
}
for (const impl of ['ours-user', 'ours-fast']) {
  if (!impls.includes(impl)) continue;
  const lat = ids('lat', ['ipc', 'tcp'], small);
  target('round trip <= 1.3x C', lat, impl, (r) => r <= 1.3, '<= 1.3x');
  target('round trip <= 0.9x zeromq.js', lat, impl, (r) => r <= 0.9, '<= 0.9x', 'zeromq');
  target('inproc >= 3x C', ids('thr', ['inproc'], SIZES), impl, (r) => r >= 3, '>= 3x');
}
if (targets.length > 0) {
  const rows = [['target', 'cell', 'impl', 'ratio', 'met']];
  for (const t of targets) {
    const to = `${rx(t.ratio)} of ${IMPLS[t.versus].label}`;
    rows.push([t.name, t.cell, IMPLS[t.impl].label, to, t.pass ? 'yes' : 'NO']);
  }
  printTable('Targets (ratios from this run)', rows);
}

// copy threshold
const thresholdSummary = [];
if (thresholdCells.length > 0) {
  const rows = [
    [
      'cell',
      'threshold 0 (external)',
      'threshold inf (copy)',
      'copy / external',
      'PULL CPU us/msg external',
      'PULL CPU us/msg copy',
    ],
  ];
  for (const cell of thresholdCells) {
    const of = (t, k) => median((thresholdRaw[cell.id]?.[t] ?? []).map((r) => r[k]));
    const ext = of(0, 'msgsPerSec');
    const copy = of('inf', 'msgsPerSec');
    const extCpu = of(0, 'cpuUsPerMsg');
    const copyCpu = of('inf', 'cpuUsPerMsg');
    thresholdSummary.push({
      ...cell,
      external: ext,
      copy,
      copyOverExternal: ratio(copy, ext),
      externalCpuUsPerMsg: extCpu,
      copyCpuUsPerMsg: copyCpu,
    });
    rows.push([
      `${cell.transport} ${sizeLabel(cell.size)}`,
      fmt(ext),
      fmt(copy),
      rx(ratio(copy, ext)),
      fmt(extCpu),
      fmt(copyCpu),
    ]);
  }
  printTable('Copy threshold: throughput, messages/s (ours (b))', rows);
  for (const transport of THRESHOLD_TRANSPORTS) {
    const list = thresholdSummary.filter((x) => x.transport === transport);
    if (list.length === 0) continue; // filtered out with --only
    const sizes = (pred) =>
      list.filter((x) => pred(x.copyOverExternal)).map((x) => sizeLabel(x.size));
    const copy = sizes((r) => r >= 1.1);
    const external = sizes((r) => r <= 0.9);
    const even = sizes((r) => r > 0.9 && r < 1.1);
    // The crossover: the smallest size from which external Buffers are never slower.
    let from = list.length;
    while (from > 0 && list[from - 1].copyOverExternal < 1) from--;
    const crossover =
      from === list.length
        ? `copying is not slower up to ${sizeLabel(list.at(-1)?.size ?? 0)}`
        : `external Buffers are faster from ${sizeLabel(list[from].size)} up`;
    say(
      `${transport}: copy faster (by 10% or more) at ${copy.join(', ') || 'none'}; external faster (by 10% or more) at ` +
        `${external.join(', ') || 'none'}; within 10% at ${even.join(', ') || 'none'}; ${crossover}.`,
    );
  }
}

// memory
if (memory && !memory.error) {
  const rows = [
    ['point', 'messages', 'RSS MB', 'heap used MB', 'external MB'],
    [
      'start',
      '0',
      fmt(memory.start.rssMB),
      fmt(memory.start.heapUsedMB),
      fmt(memory.start.externalMB),
    ],
    [
      'after first',
      memory.first.toLocaleString('en-US'),
      fmt(memory.atFirst.rssMB),
      fmt(memory.atFirst.heapUsedMB),
      fmt(memory.atFirst.externalMB),
    ],
    [
      'at end',
      memory.count.toLocaleString('en-US'),
      fmt(memory.atEnd.rssMB),
      fmt(memory.atEnd.heapUsedMB),
      fmt(memory.atEnd.externalMB),
    ],
  ];
  printTable(
    `Memory: ${memory.count.toLocaleString('en-US')} messages of ${memory.size} B through an async-iterated Pull`,
    rows,
  );
  say(
    `RSS growth from ${memory.first.toLocaleString('en-US')} to ${memory.count.toLocaleString('en-US')} messages: ` +
      `${memory.growthMB.toFixed(1)} MB (target < 20 MB: ${memory.growthMB < 20 ? 'met' : 'NOT met'}); ` +
      `after a forced GC at both points: ${memory.growthAfterGcMB?.toFixed(1) ?? 'n/a'} MB; ` +
      `peak RSS ${memory.peakRssMB.toFixed(1)} MB; ${fmt(memory.msgsPerSec)} msg/s.`,
  );
}

// many requests in flight
const concurrentTargetList = concurrent ? reportConcurrent(concurrent, { printTable, say }) : [];

const elapsedS = (Date.now() - started) / 1000;
say('');
say(`Total bench time: ${elapsedS.toFixed(0)} s.`);
console.log(out.join('\n'));

// ---- JSON -------------------------------------------------------------------------

function tryRun(cmd, cmdArgs) {
  try {
    return execFileSync(cmd, cmdArgs, { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
let ourVersion;
try {
  const { version } = await import('@nanomsg-ts/core');
  ourVersion = version;
} catch {
  // reported as missing
}
const meta = {
  date: new Date().toISOString(),
  quick,
  rounds,
  node: process.version,
  libnanomsg: tryRun('pkg-config', ['--modversion', 'nanomsg']),
  libnanomsgAbi: ourVersion,
  libnng: status.nng?.ok ? tryRun(nngBinary, ['version']) : undefined,
  comparators: {
    'node-nanomsg': status['node-nanomsg'],
    zeromq: status.zeromq,
  },
  cc: tryRun(process.env.CC || 'cc', ['--version'])?.split('\n')[0],
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    kernel: release(),
  },
  counts: {
    thr: Object.fromEntries(SIZES.map((s) => [s, counted(COUNTS.thr[s])])),
    lat: Object.fromEntries(SIZES.map((s) => [s, counted(COUNTS.lat[s])])),
  },
  elapsedSeconds: elapsedS,
  coreOverride: process.env.NNTS_BENCH_CORE,
};
const stamp = meta.date.replace(/[:.]/g, '-');
mkdirSync(resultsDir, { recursive: true });
const base = join(resultsDir, `${stamp}${quick ? '-quick' : ''}`);
writeFileSync(
  `${base}.json`,
  `${JSON.stringify(
    {
      meta,
      implementations: Object.fromEntries(impls.map((i) => [i, IMPLS[i]])),
      medians,
      raw,
      targets,
      threshold: { summary: thresholdSummary, raw: thresholdRaw },
      memory,
      concurrent: concurrent && { ...concurrent, targets: concurrentTargetList },
    },
    null,
    2,
  )}\n`,
);
writeFileSync(`${base}.md`, `${md.join('\n')}\n`);
console.log(`\nwrote ${base}.json and ${base}.md`);

const failures = [...Object.values(raw), ...Object.values(concurrent?.raw ?? {})]
  .flatMap((byImpl) => Object.values(byImpl).flat())
  .filter((r) => r.error).length;
if (failures > 0) console.log(`${failures} measurement(s) failed; see above.`);
