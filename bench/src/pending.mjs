// Many operations waiting at once: how long the event loop stalls while N
// sends time out (a PUSH with no peer) and while N receives waiting on one
// AbortSignal are aborted (a PULL with no peer). Each case runs in a fresh
// process; the figures are the longest stretch without an event-loop turn and
// the sum of all stretches over 20 ms, from queueing the operations to the
// last one settled.
//
//   node bench/src/pending.mjs [--n 50000,100000] [--core path/to/core/dist/index.js]
//
// --core measures another build of core (it loads the addon its own
// @nanomsg-ts/native resolves to), as NNTS_BENCH_CORE does for the others.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from './common.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '50000,100000' },
    core: { type: 'string' },
    child: { type: 'string' },
  },
});

if (args.child !== undefined) {
  const { mode, n } = JSON.parse(args.child);
  const { Socket } = await import(
    args.core === undefined ? '@nanomsg-ts/core' : pathToFileURL(args.core).href
  );
  let longest = 0;
  let blocked = 0;
  let last = performance.now();
  const gap = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    if (now - last > 20) blocked += now - last;
    last = now;
  };
  const probe = setInterval(gap, 5);
  const sock = new Socket(mode === 'timeout' ? 'NN_PUSH' : 'NN_PULL');
  sock.bind(`inproc://pending-${process.pid}`);
  const start = performance.now();
  const settled = [];
  if (mode === 'timeout') {
    for (let i = 0; i < n; i++) settled.push(sock.send('x', { timeout: 10 }).catch((e) => e));
  } else {
    const controller = new AbortController();
    for (let i = 0; i < n; i++) {
      settled.push(sock.recv({ signal: controller.signal }).catch((e) => e));
    }
    setTimeout(() => controller.abort(), 10);
  }
  await Promise.all(settled);
  const totalMs = performance.now() - start;
  gap();
  clearInterval(probe);
  await sock.close();
  process.stdout.write(JSON.stringify({ longestMs: longest, blockedMs: blocked, totalMs }));
} else {
  const rows = [['case', 'longest block ms', 'blocked ms', 'total ms']];
  for (const n of args.n.split(',').map(Number)) {
    for (const mode of ['timeout', 'abort']) {
      const child = ['--child', JSON.stringify({ mode, n })];
      if (args.core !== undefined) child.push('--core', args.core);
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...child], {
        encoding: 'utf8',
      });
      const r = JSON.parse(out);
      rows.push([
        mode === 'timeout' ? `${n} sends time out` : `${n} recvs aborted (one signal)`,
        r.longestMs.toFixed(0),
        r.blockedMs.toFixed(0),
        r.totalMs.toFixed(0),
      ]);
    }
  }
  console.log(table(rows));
}
