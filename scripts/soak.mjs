#!/usr/bin/env node
// pnpm soak: mixed traffic in one process for a set time, printing RSS, heap,
// external memory and open descriptors over time, and failing on steady
// growth: the least-squares slope over the second half of the run must stay
// under a threshold for each (the first half is warm-up: the heap, the
// allocator and the library's buffers reach their working size there).
//
// Traffic, all at once: PAIR ping-pong over inproc, ipc and tcp; 256 KiB
// messages over tcp (external Buffers); REQ clients against REP servers;
// PUSH to two PULLs; PUB to three SUBs; surveys to three respondents; a BUS
// mesh; receives timing out and aborted; and socket churn (a pair of
// sockets opened, connected, used and closed every 20 ms). Reliable patterns
// are checked message by message: nothing lost, nothing out of order.
//
// Usage: node --expose-gc scripts/soak.mjs [--seconds N] [--every S]
//   --seconds  how long (default 300)
//   --every    seconds between printed samples (default 10; one sample a second is kept)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const load = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);
const { Socket } = await load('core');
const { Pair } = await load('pair');
const { Req, Rep } = await load('reqrep');
const { Push, Pull } = await load('pipeline');
const { Pub, Sub } = await load('pubsub');
const { Surveyor, Respondent } = await load('survey');
const { Bus } = await load('bus');

// ---- options ------------------------------------------------------------------
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const SECONDS = option('seconds', 300);
const EVERY = option('every', 10);
/** Growth per second over the second half above which the run fails. */
const LIMITS = {
  rss: 64 * 1024,
  heapUsed: 32 * 1024,
  external: 16 * 1024,
  fds: 0.05,
};
if (!(SECONDS >= 10)) {
  console.error('soak: --seconds must be at least 10');
  process.exit(2);
}
const gc = globalThis.gc ?? (() => {});

// ---- helpers --------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-soak-'));
let serial = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function address(transport) {
  serial++;
  if (transport === 'inproc') return `inproc://soak-${serial}`;
  if (transport === 'ipc') return `ipc://${join(dir, `${serial}.ipc`)}`;
  return `tcp://127.0.0.1:${20000 + Math.floor(Math.random() * 12768)}`;
}
function bindAny(socket, transport) {
  for (let attempt = 0; ; attempt++) {
    const where = address(transport);
    try {
      socket.bind(where);
      return where;
    } catch (error) {
      if (error?.code !== 'EADDRINUSE' || attempt > 25) throw error;
    }
  }
}
const counters = {};
const count = (key, n = 1) => {
  counters[key] = (counters[key] ?? 0) + n;
};
const problems = [];
const problem = (what) => {
  if (problems.length < 50) problems.push(what);
  count('problems');
};
let running = true;
const open = new Set();
const track = (s) => {
  open.add(s);
  return s;
};
const loops = [];
const loop = (name, body) =>
  loops.push(
    (async () => {
      try {
        while (running) await body();
      } catch (error) {
        if (running || error?.code !== 'EBADF') problem(`${name}: ${error?.stack ?? error}`);
      }
    })(),
  );

// ---- traffic ----------------------------------------------------------------------
// Descriptors before any traffic, once the things that live for the whole
// process exist (libuv's thread pool, which nn_close runs on).
{
  const a = new Pair();
  const b = new Pair();
  b.connect(bindAny(a, 'tcp'));
  await b.send('warm-up');
  await a.recv({ timeout: 5000 });
  await Promise.all([a.close(), b.close()]);
  await sleep(100);
}
// Node opens stdout and stderr lazily, and when one is a pipe libuv holds a
// descriptor of /dev/null for it from then on: open them before counting.
void process.stdout;
void process.stderr;
const baselineFds = readdirSync('/proc/self/fd').length;
for (const transport of ['inproc', 'ipc', 'tcp']) {
  const a = track(new Pair({ receiveTimeout: 10_000, sendTimeout: 10_000 }));
  const b = track(new Pair({ receiveTimeout: 10_000, sendTimeout: 10_000 }));
  b.connect(bindAny(a, transport));
  let n = 0;
  loop(`pair ${transport}`, async () => {
    const body = `${transport}-${n++}`;
    await a.send(body);
    const got = String(await b.recv());
    if (got !== body) problem(`pair ${transport}: sent ${body}, got ${got}`);
    await b.send(got);
    if (String(await a.recv()) !== body) problem(`pair ${transport}: echo of ${body} differs`);
    count('pair round trips');
  });
}
{
  const a = track(new Pair({ receiveTimeout: 10_000, sendTimeout: 10_000 }));
  const b = track(new Pair({ receiveTimeout: 10_000, sendTimeout: 10_000 }));
  b.connect(bindAny(a, 'tcp'));
  const big = Buffer.alloc(256 * 1024);
  let n = 0;
  loop('big', async () => {
    big.writeUInt32BE(n, 0);
    await a.send(big);
    const got = await b.recv();
    if (got.length !== big.length || got.readUInt32BE(0) !== n) problem(`big message ${n} differs`);
    n++;
    count('256 KiB messages');
    await sleep(5);
  });
}
{
  const servers = [track(new Rep()), track(new Rep())];
  const where = servers.map((s) => bindAny(s, 'tcp'));
  for (const [i, s] of servers.entries()) {
    loop(`rep ${i}`, async () => {
      const request = await s.recv();
      await s.send(Buffer.concat([request, Buffer.from(' ok')]));
    });
  }
  for (let c = 0; c < 4; c++) {
    const req = track(new Req({ resendInterval: 2000 }));
    for (const w of where) req.connect(w);
    let n = 0;
    loop(`req ${c}`, async () => {
      const body = `c${c}-${n++}`;
      const reply = String(await req.request(body, { timeout: 10_000 }));
      if (reply !== `${body} ok`) problem(`request ${body} got ${reply}`);
      count('requests answered');
    });
  }
}
{
  const push = track(new Push({ sendTimeout: 10_000 }));
  const where = bindAny(push, 'ipc');
  const pulls = [track(new Pull()), track(new Pull())];
  for (const p of pulls) p.connect(where);
  const seen = new Set();
  let sent = 0;
  loop('push', async () => {
    await push.send(String(sent++));
    count('pushed');
    if (sent % 100 === 0) await sleep(1);
  });
  for (const [i, p] of pulls.entries()) {
    loop(`pull ${i}`, async () => {
      const seq = Number(String(await p.recv()));
      if (seen.has(seq)) problem(`pushed message ${seq} received twice`);
      seen.add(seq);
      if (seen.size > 10_000) {
        for (const s of seen) {
          if (s < seq - 5000) seen.delete(s);
        }
      }
      count('pulled');
    });
  }
}
{
  const pub = track(new Pub());
  const where = bindAny(pub, 'tcp');
  const topics = ['a.', 'b.', ''];
  const subs = topics.map((t) => {
    const s = track(new Sub({ subscribe: [t] }));
    s.connect(where);
    return s;
  });
  let n = 0;
  loop('pub', async () => {
    await pub.send(`${n % 2 === 0 ? 'a.' : 'b.'}${n}`);
    n++;
    count('published');
    if (n % 50 === 0) await sleep(2);
  });
  for (const [i, s] of subs.entries()) {
    loop(`sub ${i}`, async () => {
      const m = String(await s.recv());
      if (!m.startsWith(topics[i])) problem(`sub ${topics[i]} got ${m}`);
      count('subscribed messages');
    });
  }
}
{
  const surveyor = track(new Surveyor({ deadline: 200 }));
  const where = bindAny(surveyor, 'inproc');
  for (let i = 0; i < 3; i++) {
    const r = track(new Respondent());
    r.connect(where);
    loop(`respondent ${i}`, async () => {
      const q = await r.recv();
      await r.send(Buffer.concat([q, Buffer.from(` r${i}`)]));
    });
  }
  let n = 0;
  loop('surveyor', async () => {
    let answers = 0;
    for await (const a of surveyor.survey(`q${n}`)) {
      if (!String(a).startsWith(`q${n} r`)) problem(`survey q${n} got ${a}`);
      answers++;
    }
    n++;
    count('surveys');
    count('survey answers', answers);
    await sleep(20);
  });
}
{
  const nodes = [track(new Bus()), track(new Bus()), track(new Bus())];
  const where = nodes.map((b) => bindAny(b, 'tcp'));
  for (const [i, b] of nodes.entries()) {
    for (const [j, w] of where.entries()) if (j > i) b.connect(w);
  }
  for (const [i, b] of nodes.entries()) {
    let n = 0;
    loop(`bus send ${i}`, async () => {
      await b.send(`n${i}-${n++}`);
      count('bus sent');
      await sleep(2);
    });
    loop(`bus recv ${i}`, async () => {
      const m = String(await b.recv());
      if (m.startsWith(`n${i}-`)) problem(`bus node ${i} received its own message`);
      count('bus received');
    });
  }
}
{
  const idle = track(new Pair());
  bindAny(idle, 'inproc');
  loop('timeouts', async () => {
    try {
      await idle.recv({ timeout: 3 });
      problem('an idle recv got a message');
    } catch (error) {
      if (error?.code !== 'ETIMEDOUT') throw error;
      count('receives timed out');
    }
    const abort = new AbortController();
    const pending = idle.recv({ signal: abort.signal });
    abort.abort();
    try {
      await pending;
      problem('an aborted recv got a message');
    } catch (error) {
      if (error?.name !== 'AbortError') throw error;
      count('receives aborted');
    }
  });
}
{
  const protocols = [
    ['NN_PAIR', 'NN_PAIR'],
    ['NN_PULL', 'NN_PUSH'],
    ['NN_REP', 'NN_REQ'],
  ];
  let n = 0;
  loop('churn', async () => {
    const [pa, pb] = protocols[n % protocols.length];
    const transport = ['inproc', 'ipc', 'tcp'][n % 3];
    n++;
    const a = new Socket(pa, { receiveTimeout: 10_000 });
    const b = new Socket(pb, { sendTimeout: 10_000 });
    try {
      b.connect(bindAny(a, transport));
      await b.send('churn');
      if (String(await a.recv()) !== 'churn') problem('churn message differs');
      count('sockets churned', 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await sleep(20);
  });
}

// ---- sampling -----------------------------------------------------------------------
const fds = () => readdirSync('/proc/self/fd').length;
const samples = [];
const started = performance.now();
const mib = (b) => (b / 2 ** 20).toFixed(1);
const header = 'time s   rss MiB  heap MiB  external MiB  fds   messages';
console.log(`soak: ${SECONDS} s of mixed traffic; a sample every second, printed every ${EVERY} s`);
console.log(header);
function sample() {
  gc();
  const m = process.memoryUsage();
  const t = (performance.now() - started) / 1000;
  const messages =
    (counters['pair round trips'] ?? 0) * 4 +
    (counters['requests answered'] ?? 0) * 2 +
    (counters.pulled ?? 0) +
    (counters['subscribed messages'] ?? 0) +
    (counters['survey answers'] ?? 0) +
    (counters['bus received'] ?? 0) +
    (counters['256 KiB messages'] ?? 0);
  const s = { t, rss: m.rss, heapUsed: m.heapUsed, external: m.external, fds: fds(), messages };
  samples.push(s);
  return s;
}
const print = (s) =>
  console.log(
    `${s.t.toFixed(0).padStart(6)}  ${mib(s.rss).padStart(7)}  ${mib(s.heapUsed).padStart(8)}  ${mib(s.external).padStart(12)}  ${String(s.fds).padStart(4)}   ${s.messages}`,
  );
print(sample());
let lastPrint = 0;
const timer = setInterval(() => {
  const s = sample();
  if (s.t - lastPrint >= EVERY - 0.5) {
    lastPrint = s.t;
    print(s);
  }
}, 1000);
await sleep(SECONDS * 1000);
clearInterval(timer);
const last = sample();
print(last);

// ---- stop and judge ----------------------------------------------------------------------
running = false;
await sleep(300);
await Promise.all([...open].map((s) => s.close()));
await Promise.all(loops);
await sleep(200);
gc();
const afterClose = { fds: fds(), rss: process.memoryUsage().rss };

function slope(points, key) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mx) * (p[key] - my);
    den += (p.t - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
const secondHalf = samples.filter((s) => s.t >= last.t / 2);
const verdicts = Object.entries(LIMITS).map(([key, limit]) => {
  const perSecond = slope(secondHalf, key);
  return { key, perSecond, limit, ok: perSecond <= limit };
});
console.log('\nsoak: counters');
for (const [k, v] of Object.entries(counters).sort()) console.log(`  ${k}: ${v}`);
console.log(
  `\nsoak: descriptors ${baselineFds} before the first socket, ${samples[0].fds} once running, ${last.fds} at the end, ${afterClose.fds} after closing every socket`,
);
console.log('soak: growth per second over the second half (least squares)');
for (const v of verdicts) {
  const show = v.key === 'fds' ? v.perSecond.toFixed(4) : `${(v.perSecond / 1024).toFixed(2)} KiB`;
  const limit = v.key === 'fds' ? String(v.limit) : `${v.limit / 1024} KiB`;
  console.log(`  ${v.key}: ${show}/s (limit ${limit}/s) ${v.ok ? 'ok' : 'TOO MUCH'}`);
}
for (const p of problems) console.log(`problem: ${p}`);
rmSync(dir, { recursive: true, force: true });
const failed = verdicts.some((v) => !v.ok) || problems.length > 0 || afterClose.fds > baselineFds;
console.log(
  `\nsoak: ${failed ? 'FAILED' : 'passed'} after ${last.t.toFixed(0)} s, ${last.messages} messages`,
);
process.exit(failed ? 1 : 0);
