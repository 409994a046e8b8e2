// Profiles one benchmark cell: runs it with `node --cpu-prof` (or under
// `perf record` with --perf-basic-prof) and prints where each Node side
// spends its time.
//
//   node bench/src/profile.mjs --cell thr/ipc/64 --impl ours-user [--count N]
//        [--perf [--call-graph dwarf] | --syscalls | --strace] [--top 25] [--report-only]
//
// Profiles are kept in bench/results/profiles/<cell>-<impl>-<side>.cpuprofile
// (open them in Chrome DevTools), .perf.data (perf report -i ...; with
// --perf-basic-prof, V8 also writes its log, kept next to it as .v8.log
// rather than in the working directory), .syscalls (perf stat of system call
// tracepoints, all threads: counts only, little overhead) or .strace (strace
// -c -f, all threads: counts and times, but it slows every call down).
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
    syscalls: { type: 'boolean', default: false },
    strace: { type: 'boolean', default: false },
    'call-graph': { type: 'string', default: 'fp' },
    top: { type: 'string', default: '25' },
    // Print the report of the profiles kept from the last run of this cell
    // (same --cell, --impl, --count and mode) without running it again.
    'report-only': { type: 'boolean', default: false },
  },
});
if (!args.cell) {
  console.error(
    'usage: profile.mjs --cell thr/ipc/64 --impl ours-user [--count N] [--perf | --syscalls | --strace]',
  );
  process.exit(2);
}
const [pattern, transport, sizeText] = args.cell.split('/');
const size = Number(sizeText);
const count = Number(args.count ?? (pattern === 'thr' ? 300_000 : 20_000));
const top = Number(args.top);
const dir = join(resultsDir, 'profiles');
mkdirSync(dir, { recursive: true });
const name = `${pattern}-${transport}-${size}-${args.impl}`;
if (!args['report-only']) {
  for (const f of readdirSync(dir)) if (f.startsWith(`${name}-`)) rmSync(join(dir, f));
}

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
// The system calls counted by --syscalls (besides the total).
const SYSCALLS = [
  'read',
  'write',
  'recvmsg',
  'sendmsg',
  'recvfrom',
  'sendto',
  'poll',
  'epoll_wait',
  'epoll_pwait',
  'epoll_ctl',
  'futex',
  'ioctl',
  'getsockopt',
  'mmap',
  'munmap',
  'madvise',
];
const options = { runDir: runDir.dir, timeoutMs: 300_000, serial: 0 };
if (args.perf) {
  // --perf-basic-prof makes V8 open its log file, by default
  // isolate-<address>-<pid>-v8.log in the working directory.
  options.nodeFlags = (role) => [
    '--perf-basic-prof',
    '--interpreted-frames-native-stack',
    `--logfile=${join(dir, `${name}-${role}.v8.log`)}`,
    '--no-logfile-per-isolate',
  ];
  options.wrap = (role) => [
    'perf',
    'record',
    // A software clock: virtual machines often have no hardware counters.
    '-e',
    'cpu-clock',
    '-F',
    args['call-graph'] === 'dwarf' ? '499' : '2999',
    '--call-graph',
    args['call-graph'] === 'dwarf' ? 'dwarf,16384' : 'fp',
    '-q',
    '-o',
    join(dir, `${name}-${role}.perf.data`),
    '--',
  ];
} else if (args.syscalls) {
  options.wrap = (role) => [
    'perf',
    'stat',
    '-x',
    ',',
    '-o',
    join(dir, `${name}-${role}.syscalls`),
    '-e',
    'raw_syscalls:sys_enter',
    ...SYSCALLS.flatMap((c) => ['-e', `syscalls:sys_enter_${c}`]),
    '--',
  ];
} else if (args.strace) {
  options.wrap = (role) => ['strace', '-c', '-f', '-o', join(dir, `${name}-${role}.strace`), '--'];
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
if (!args['report-only']) {
  const result = await measure(m, options);
  console.log(`${args.cell} ${args.impl}: ${JSON.stringify(result)}`);
}
runDir.remove();

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

/**
 * Splits a perf recording (best with --call-graph dwarf) by where the time
 * goes: inside libnanomsg (and the kernel and libc work it calls), in the
 * addon outside libnanomsg, in the event loop's wait, in garbage collection,
 * or in JavaScript, V8 and Node (core, promises, the loop). Only samples
 * while messages flow count: from the first to the last main-thread sample
 * inside nn_send/nn_recv.
 */
function perfSplit(file, perMessage) {
  const text = execFileSync(
    'perf',
    ['script', '-i', file, '-F', 'pid,tid,time,period,ip,sym,dso'],
    { encoding: 'utf8', maxBuffer: 2 ** 30, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const samples = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim());
    const head = /^\s*(\d+)\/(\d+)\s+([\d.]+):\s+(\d+)/.exec(lines[0] ?? '');
    if (!head) continue;
    const frames = lines.slice(1).map((l) => {
      const f = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$/.exec(l);
      return f ? { sym: f[1], dso: f[2] } : { sym: l.trim(), dso: '' };
    });
    samples.push({
      main: head[1] === head[2],
      time: Number(head[3]),
      period: Number(head[4]),
      frames,
    });
  }
  const inLibrary = (f) => /libnanomsg/.test(f.dso);
  const calls = (s) => s.frames.some((f) => /^nn_(send|recv)(msg)?$/.test(f.sym));
  const active = samples.filter((x) => x.main && calls(x));
  if (active.length === 0) return undefined;
  const from = active[0].time;
  const to = active.at(-1).time;
  const gc =
    /v8::internal::(Heap::|Scavenger|ScavengerCollector|MarkCompactCollector|MinorMarkCompact|Sweeper|IncrementalMarking|ConcurrentMarking|ArrayBufferSweeper|GCTracer)/;
  const where = (x) => {
    const leaf = x.frames[0] ?? { sym: '', dso: '' };
    const kernel = /kernel/.test(leaf.dso);
    if (x.frames.some(inLibrary)) {
      if (kernel) return 'libnanomsg: kernel (system calls)';
      if (inLibrary(leaf)) return 'libnanomsg: its own code';
      return 'libnanomsg: libc (malloc, locks, memcpy)';
    }
    // The addon's own work: its frame comes before (closer to the leaf than)
    // any JavaScript frame; JavaScript that an addon callback (OnPoll) runs
    // is not the addon's.
    const addon = x.frames.findIndex((f) => /nanomsg\.node/.test(f.dso));
    const js = x.frames.findIndex(
      (f) => /^(JS:|Builtins_)/.test(f.sym) || /perf-\d+\.map/.test(f.dso),
    );
    if (addon >= 0 && (js < 0 || addon < js)) {
      if (/nanomsg\.node/.test(leaf.dso)) return 'addon: its own code';
      if (/\/node$/.test(leaf.dso)) return 'addon: N-API and V8 (Buffers, arrays)';
      return 'addon: libc and kernel';
    }
    if (
      x.frames.some((f) => /^(epoll_wait|epoll_pwait|__GI_epoll_pwait|uv__io_poll)$/.test(f.sym)) &&
      kernel
    )
      return 'event loop: epoll (kernel)';
    if (x.frames.some((f) => gc.test(f.sym))) return 'garbage collection';
    if (kernel) return 'other kernel (page faults, scheduling)';
    return 'JavaScript, V8, Node, libuv (C: the program)';
  };
  const main = new Map();
  const others = new Map();
  let mainNs = 0;
  let otherNs = 0;
  for (const x of samples) {
    if (x.time < from || x.time > to) continue;
    if (x.main) {
      const k = where(x);
      main.set(k, (main.get(k) ?? 0) + x.period);
      mainNs += x.period;
    } else {
      const k = x.frames.some(inLibrary) ? "libnanomsg's worker thread" : 'V8 and libuv threads';
      others.set(k, (others.get(k) ?? 0) + x.period);
      otherNs += x.period;
    }
  }
  const us = (ns) => (ns / 1000 / perMessage).toFixed(3);
  const rows = [['main thread', 'CPU us per message', 'share']];
  for (const [k, v] of [...main].sort((a, b) => b[1] - a[1])) {
    rows.push([k, us(v), `${((100 * v) / mainNs).toFixed(1)}%`]);
  }
  rows.push(['main thread, all', us(mainNs), '100%']);
  for (const [k, v] of [...others].sort((a, b) => b[1] - a[1])) rows.push([k, us(v), '']);
  return {
    seconds: to - from,
    samples: samples.filter((x) => x.time >= from && x.time <= to).length,
    rows,
  };
}

for (const role of ['inproc', 'bind', 'connect']) {
  if (args.syscalls) {
    const file = join(dir, `${name}-${role}.syscalls`);
    if (!existsSync(file)) continue;
    const per = m.warm + m.count;
    const what = pattern === 'thr' ? 'message' : 'round trip';
    const rows = [['system call', 'calls', `per ${what}`]];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // perf stat -x,: count,unit,event,...
      const [count, , event] = line.split(',');
      if (!event || !Number.isFinite(Number(count))) continue;
      const call = event === 'raw_syscalls:sys_enter' ? 'all' : event.replace(/^.*sys_enter_/, '');
      rows.push([call, Number(count).toLocaleString('en-US'), (Number(count) / per).toFixed(3)]);
    }
    console.log(`\n== ${role} side (perf stat, system calls of all threads, ${per} ${what}s) ==`);
    console.log(table(rows));
    continue;
  }
  if (args.strace) {
    const file = join(dir, `${name}-${role}.strace`);
    if (!existsSync(file)) continue;
    // Each side handles warm + count messages (or round trips); the process'
    // start-up and set-up are counted too.
    const calls = m.warm + m.count;
    const what = pattern === 'thr' ? 'message' : 'round trip';
    console.log(
      `\n== ${role} side (strace -c -f, all threads; calls per ${what}: calls / ${calls}) ==`,
    );
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      // % time, seconds, usecs/call, calls, [errors], syscall
      const n = Number(f[3]);
      console.log(
        Number.isFinite(n) && f.length >= 5 ? `${line}  ${(n / calls).toFixed(3)}` : line,
      );
    }
    continue;
  }
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
    try {
      const split = perfSplit(file, m.warm + m.count);
      if (split) {
        console.log(
          `\n-- ${role} side: where the time goes while messages flow ` +
            `(${split.seconds.toFixed(2)} s, ${split.samples} samples; per message of warm + count = ${m.warm + m.count}) --`,
        );
        console.log(table(split.rows));
        if (args['call-graph'] !== 'dwarf') {
          console.log(
            '(frame-pointer call chains stop in libc and libnanomsg: use --call-graph dwarf)',
          );
        }
      }
    } catch (error) {
      console.log(`perf script failed: ${error.message}`);
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
