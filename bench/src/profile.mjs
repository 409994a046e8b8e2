// Profiles one benchmark cell: runs it with `node --cpu-prof` (or under
// `perf record` with --perf-basic-prof) and prints where each Node side
// spends its time.
//
//   node bench/src/profile.mjs --cell thr/ipc/64 --impl ours-user [--count N] [--perf] [--top 25]
//
// Profiles are kept in bench/results/profiles/<cell>-<impl>-<side>.cpuprofile
// (open them in Chrome DevTools) or .perf.data (perf report -i ...).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, makeRunDir, resultsDir, table } from './common.mjs';
import { measure } from './run.mjs';

const { values: args } = parseArgs({
  options: {
    cell: { type: 'string' },
    impl: { type: 'string', default: 'ours-user' },
    sender: { type: 'string' },
    count: { type: 'string' },
    threshold: { type: 'string' },
    perf: { type: 'boolean', default: false },
    'call-graph': { type: 'string', default: 'fp' },
    top: { type: 'string', default: '25' },
  },
});
if (!args.cell) {
  console.error('usage: profile.mjs --cell thr/ipc/64 --impl ours-user [--count N] [--perf]');
  process.exit(2);
}
const [pattern, transport, sizeText] = args.cell.split('/');
const size = Number(sizeText);
const count = Number(args.count ?? (pattern === 'thr' ? 300_000 : 20_000));
const top = Number(args.top);
const dir = join(resultsDir, 'profiles');
mkdirSync(dir, { recursive: true });
const name = `${pattern}-${transport}-${size}-${args.impl}`;
for (const f of readdirSync(dir)) if (f.startsWith(`${name}-`)) rmSync(join(dir, f));

const runDir = makeRunDir();
const m = {
  impl: args.impl,
  sender: args.sender,
  pattern,
  transport,
  size,
  count,
  warm: Math.max(1, Math.round(count / 10)),
  threshold:
    args.threshold === undefined
      ? undefined
      : args.threshold === 'inf'
        ? 'inf'
        : Number(args.threshold),
};
const options = { runDir: runDir.dir, timeoutMs: 300_000, serial: 0 };
if (args.perf) {
  options.nodeFlags = () => ['--perf-basic-prof', '--interpreted-frames-native-stack'];
  options.wrap = (role) => [
    'perf',
    'record',
    '-F',
    args['call-graph'] === 'dwarf' ? '499' : '2999',
    '--call-graph',
    args['call-graph'] === 'dwarf' ? 'dwarf,16384' : 'fp',
    '-q',
    '-o',
    join(dir, `${name}-${role}.perf.data`),
    '--',
  ];
} else {
  options.nodeFlags = (role) => [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--cpu-prof-name',
    `${name}-${role}.cpuprofile`,
    '--cpu-prof-interval',
    '200',
  ];
}
const result = await measure(m, options);
runDir.remove();
console.log(`${args.cell} ${args.impl}: ${JSON.stringify(result)}`);

/** Self time per function of a .cpuprofile, in ms, largest first. */
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, k) => {
    const dt = (profile.timeDeltas[k] ?? 0) / 1000;
    total += dt;
    const node = byId.get(id);
    const f = node.callFrame;
    const where = f.url
      ? ` ${f.url.replace(/^.*\/(packages|native|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return { total, rows: [...self.entries()].sort((a, b) => b[1] - a[1]) };
}

for (const role of ['inproc', 'bind', 'connect']) {
  if (args.perf) {
    const file = join(dir, `${name}-${role}.perf.data`);
    if (!existsSync(file)) continue;
    console.log(`\n== ${role} side (perf, self samples by shared object and symbol) ==`);
    try {
      const report = execFileSync(
        'perf',
        [
          'report',
          '-i',
          file,
          '--no-children',
          '--sort',
          'dso,sym',
          '--stdio',
          '-g',
          'none',
          '--percent-limit',
          '0.7',
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      console.log(
        report
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('#'))
          .slice(0, top)
          .join('\n'),
      );
    } catch (error) {
      console.log(`perf report failed: ${error.message}`);
    }
    continue;
  }
  const file = join(dir, `${name}-${role}.cpuprofile`);
  if (!existsSync(file)) continue;
  const { total, rows } = selfTimes(file);
  console.log(`\n== ${role} side: ${fmt(total)} ms sampled (${file}) ==`);
  console.log(
    table(
      [
        ['self ms', 'share', 'function'],
        ...rows.slice(0, top).map(([k, v]) => [fmt(v), `${((100 * v) / total).toFixed(1)}%`, k]),
      ],
      0,
    ),
  );
}
