// Which side costs what: one cell measured with each implementation on one
// side and the C program on the other (and both sides of one kind), in
// interleaved rounds, with every side's CPU per message or round trip — the
// whole process's and its main thread's. Where a binding is slower than C,
// this says whether its sender or its receiver (requester or server) is.
//   node bench/src/sides.mjs --cell thr/ipc/64 [--impls ours-user,ours-fast,zeromq] [--rounds 5]
import { parseArgs } from 'node:util';
import { fmt, fmtCpu, makeRunDir, median, table } from './common.mjs';
import { measure } from './run.mjs';

const { values: args } = parseArgs({
  options: {
    cell: { type: 'string', default: 'thr/ipc/64' },
    impls: { type: 'string', default: 'ours-user' },
    rounds: { type: 'string', default: '5' },
  },
});
const [pattern, transport, sizeText] = args.cell.split('/');
const size = Number(sizeText);
const big = size > 4096;
const count = pattern === 'thr' ? (big ? 20_000 : 200_000) : 10_000;
// [measuring side (PULL / REQ), other side (PUSH / REP)]
const pairs = [['c', 'c']];
for (const impl of args.impls.split(',')) {
  // zeromq.js speaks ZeroMQ's protocol, not nanomsg's: only against itself.
  if (impl !== 'zeromq') pairs.push(['c', impl], [impl, 'c']);
  pairs.push([impl, impl]);
}

const run = makeRunDir();
process.on('exit', run.remove);
const got = new Map();
let serial = 0;
for (let r = 0; r < Number(args.rounds); r++) {
  for (const [measuring, other] of pairs) {
    // The measuring side is the binding one for throughput (PULL), the
    // connecting one for round trips (REQ); `sender` names the connecting side.
    const [impl, sender] = pattern === 'thr' ? [measuring, other] : [other, measuring];
    const res = await measure(
      { impl, sender, pattern, transport, size, count, warm: Math.round(count / 10) },
      { runDir: run.dir, timeoutMs: 120_000, serial: ++serial },
    );
    const key = `${measuring} / ${other}`;
    if (res.error) console.log(`${key}: ${res.error.slice(0, 300)}`);
    else got.set(key, [...(got.get(key) ?? []), res]);
  }
  process.stdout.write('.');
}
process.stdout.write('\n');

const [first, second] = pattern === 'thr' ? ['PULL', 'PUSH'] : ['REQ', 'REP'];
const otherKey = pattern === 'thr' ? 'sender' : 'server';
const rows = [
  [
    `${first} / ${second}`,
    pattern === 'thr' ? 'msg/s' : 'round trip us',
    `${first} CPU us (main thread)`,
    `${second} CPU us (main thread)`,
  ],
];
for (const [key, rs] of got) {
  const pick = (f) => median(rs.map(f));
  rows.push([
    key,
    fmt(pick((x) => (pattern === 'thr' ? x.msgsPerSec : x.rttUs))),
    fmtCpu(
      pick((x) => x.cpuUsPerMsg),
      pick((x) => x.mainCpuUsPerMsg),
    ),
    fmtCpu(
      pick((x) => x[`${otherKey}CpuUsPerMsg`]),
      pick((x) => x[`${otherKey}MainCpuUsPerMsg`]),
    ),
  ]);
}
console.log(
  `${args.cell}, medians of ${args.rounds} rounds, per ${pattern === 'thr' ? 'message' : 'round trip'}`,
);
console.log(table(rows));
