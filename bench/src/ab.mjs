// A/B: one cell measured with two builds of core (each with the addon its own
// @nanomsg-ts/native resolves to), interleaved, medians of rate and CPU.
//   node bench/src/ab.mjs --cell lat/ipc/64 --impl ours-user --a /path/core/dist/index.js [--b ...] [--rounds 7]
// --a/--b default to this checkout's core. Prints medians and B/A ratios.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { makeRunDir, fmt } from './common.mjs';
import { measure } from './run.mjs';

const { values: args } = parseArgs({
  options: {
    cell: { type: 'string' },
    impl: { type: 'string', default: 'ours-user' },
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    count: { type: 'string' },
  },
});
const [pattern, transport, sizeText] = args.cell.split('/');
const size = Number(sizeText);
const count = Number(
  args.count ?? (pattern === 'thr' ? (size >= 65536 ? 20_000 : 200_000) : 10_000),
);
const run = makeRunDir();
const runDir = run.dir;
process.on('exit', run.remove);
const builds = { A: args.a, B: args.b };
const got = { A: [], B: [] };
let serial = 0;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (let r = 0; r < Number(args.rounds); r++) {
  for (const k of r % 2 ? ['B', 'A'] : ['A', 'B']) {
    if (builds[k]) process.env.NNTS_BENCH_CORE = builds[k];
    else delete process.env.NNTS_BENCH_CORE;
    const res = await measure(
      { impl: args.impl, pattern, transport, size, count, warm: Math.round(count / 10) },
      { runDir, timeoutMs: 120_000, serial: ++serial },
    );
    if (res.error) throw new Error(`${k}: ${res.error}`);
    got[k].push(res);
    process.stdout.write(
      `${k}: ${pattern === 'thr' ? fmt(res.msgsPerSec) + ' msg/s' : res.rttUs.toFixed(1) + ' us'} cpu ${res.cpuUsPerMsg.toFixed(2)}${res.senderCpuUsPerMsg ? '/' + res.senderCpuUsPerMsg.toFixed(2) : ''}  `,
    );
  }
  process.stdout.write('\n');
}
for (const k of ['A', 'B']) {
  const xs = got[k];
  const v = median(xs.map((x) => (pattern === 'thr' ? x.msgsPerSec : x.rttUs)));
  const cpu = median(xs.map((x) => x.cpuUsPerMsg));
  const scpu = xs[0].senderCpuUsPerMsg ? median(xs.map((x) => x.senderCpuUsPerMsg)) : undefined;
  console.log(
    `${k} ${builds[k] ?? 'this checkout'}: median ${pattern === 'thr' ? fmt(v) + ' msg/s' : v.toFixed(1) + ' us'}, cpu ${cpu.toFixed(2)}${scpu ? ' / sender ' + scpu.toFixed(2) : ''}`,
  );
}
