// One end (or, for inproc, both ends) of a benchmark, in Node.js.
//
//   node peer.mjs SPEC     one run, then exit when stdin ends
//   node peer.mjs          a server: runs one after another, each started by
//                          "run SPEC" on stdin and finished by "end"
//
// SPEC is JSON: {"impl":"ours-user","mode":"thr-recv","addr":"ipc:///…","size":64,"count":1000,"warm":100}
//
// Line protocol (stdout), the same as the C baseline (c/nnbench.c): a binding
// side prints READY once bound; a connecting side prints LOADED and connects
// when it reads "go ADDR"; the measuring side prints RESULT {json}. When the
// run is ended (stdin "end" or its end), a PUSH or REP prints CPU {json}, and the run
// prints DONE once its sockets are closed. Failures: ERROR {json}.
//
// impl: ours-user  nanomsg-ts as users write it: awaited send, for-await receive,
//                  send-then-recv requests
//       ours-fast  nanomsg-ts' fastest documented path: trySend falling back to
//                  await send, tryRecv draining falling back to await recv
//       ours-iter  (throughput) trySend sender, for-await receiver
//       node-nanomsg  npm nanomsg@4.2.1 (its 'data' events and queued send)
//       zeromq     zeromq.js 6 with its own PUSH/PULL and REQ/REP
// mode: thr-recv, thr-send, lat-rep, lat-req, thr-inproc, lat-inproc
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { depsDir } from './common.mjs';

const out = (line) => process.stdout.write(`${line}\n`);

/**
 * CPU seconds of the main thread alone (the JavaScript thread, which calls the
 * library), from Linux's per-thread counters (clock ticks, 10 ms); NaN
 * elsewhere. The rest of the process's time is the library's worker thread
 * and V8's and libuv's threads.
 */
const mainStat = `/proc/self/task/${process.pid}/stat`;
function mainCpu() {
  try {
    const stat = readFileSync(mainStat, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Wall and CPU (whole process: all threads; and the main thread) time of a stretch: start(), then stop(start). */
const start = () => ({ wall: performance.now(), cpu: process.cpuUsage(), main: mainCpu() });
function stop(from) {
  const cpu = process.cpuUsage(from.cpu);
  return {
    elapsed: (performance.now() - from.wall) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    main: mainCpu() - from.main,
  };
}

/** CPU microseconds per message: the whole process's, and the main thread's. */
const perMessage = ({ cpu, main }, n) => ({
  cpuUsPerMsg: (cpu * 1e6) / n,
  mainCpuUsPerMsg: (main * 1e6) / n,
});

function errorLine(error) {
  const code = error?.code ?? (error?.errno === undefined ? undefined : String(error.errno));
  const addrinuse =
    code === 'EADDRINUSE' || /EADDRINUSE|Address already in use/i.test(error?.message);
  return `ERROR ${JSON.stringify({ message: String(error?.stack ?? error), code, addrinuse })}`;
}

// Anything thrown outside a run's own promise chain ends the process.
function fatal(error) {
  out(errorLine(error));
  process.exit(1);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

// NNTS_BENCH_CORE: another build of core's dist/index.js to measure (a patched
// copy, for A/B runs); its own @nanomsg-ts/native is the addon it loads.
const coreOverride = process.env.NNTS_BENCH_CORE;
const packageRequire = createRequire(coreOverride ?? import.meta.url);
const depsRequire = createRequire(join(depsDir, 'package.json'));

// ---- a run ------------------------------------------------------------------------

/** The state of one run: its spec, what to close, and the driver's lines. */
class Run {
  constructor(spec) {
    this.spec = spec;
    this.size = spec.size;
    this.count = spec.count ?? 0;
    this.warm = spec.warm ?? 0;
    this.closers = [];
    /** Where the CPU time a PUSH (from "go") or a REP (from now) reports is counted from. */
    this.cpuFrom = spec.mode === 'lat-rep' ? start() : undefined;
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.goWaiter = undefined;
    this.failed = false;
    this.finishing = false;
  }

  track(closer) {
    this.closers.push(closer);
  }

  checkSize(m) {
    if (m.length !== this.size) throw new Error(`got ${m.length} bytes, expected ${this.size}`);
  }

  reportThr(timing) {
    const { size, count } = this;
    const result = { size, count, elapsed: timing.elapsed, msgsPerSec: count / timing.elapsed };
    out(`RESULT ${JSON.stringify({ ...result, ...perMessage(timing, count) })}`);
  }

  reportLat(timing) {
    const { size, count } = this;
    const result = { size, count, elapsed: timing.elapsed, rttUs: (timing.elapsed * 1e6) / count };
    out(`RESULT ${JSON.stringify({ ...result, ...perMessage(timing, count) })}`);
  }

  /** Prints LOADED and resolves with the address from "go ADDR". */
  addressWhenTold() {
    out('LOADED');
    return new Promise((resolve) => (this.goWaiter = resolve)).then((addr) => {
      this.cpuFrom = start();
      return addr;
    });
  }

  go(addr) {
    const w = this.goWaiter;
    this.goWaiter = undefined;
    w?.(addr);
  }

  fail(error) {
    // After the run was ended, a loop that stops on close is no failure.
    if (this.failed || this.finishing) return;
    this.failed = true;
    out(errorLine(error));
    this.end();
  }

  /** Closes what the run opened; a PUSH first reports its CPU per message, a REP per round trip. */
  async finish() {
    this.finishing = true;
    const { mode } = this.spec;
    if (this.cpuFrom !== undefined && (mode === 'thr-send' || mode === 'lat-rep') && !this.failed) {
      out(`CPU ${JSON.stringify(perMessage(stop(this.cpuFrom), this.warm + this.count))}`);
    }
    for (const close of this.closers.splice(0)) {
      try {
        await close();
      } catch {
        // closing at the end of a run: nothing to do about it
      }
    }
  }
}

// ---- nanomsg-ts ------------------------------------------------------------------

let native;
let defaultThreshold;

async function ours(run, variant) {
  const { Socket } = await import(
    coreOverride ? pathToFileURL(coreOverride).href : '@nanomsg-ts/core'
  );
  const { spec, size, count, warm } = run;
  // The addon core loads (the same module instance), for its copy threshold.
  native ??= packageRequire('@nanomsg-ts/native');
  defaultThreshold ??= native.testing.getCopyThreshold();
  const threshold = spec.threshold ?? defaultThreshold;
  native.testing.setCopyThreshold(threshold === 'inf' ? Number.MAX_SAFE_INTEGER : threshold);

  const open = (protocol, receiving) => {
    const s = new Socket(protocol, receiving ? { receiveMaxSize: -1 } : {});
    run.track(() => s.close());
    return s;
  };
  const body = Buffer.alloc(size, 'x');

  const sender = async (push, total) => {
    if (variant === 'user') {
      for (let i = 0; i < total; i++) await push.send(body);
    } else {
      for (let i = 0; i < total; i++) if (!push.trySend(body)) await push.send(body);
    }
  };

  const receiver = async (pull) => {
    let t0;
    let i = 0;
    if (variant === 'fast') {
      while (i < warm + count) {
        const m = pull.tryRecv() ?? (await pull.recv());
        run.checkSize(m);
        if (++i === warm) t0 = start();
      }
    } else {
      for await (const m of pull) {
        run.checkSize(m);
        if (++i === warm) t0 = start();
        if (i === warm + count) break;
      }
    }
    return stop(t0);
  };

  const echo = async (rep, limit = Infinity) => {
    if (variant === 'fast') {
      for (let i = 0; i < limit; i++) {
        const m = rep.tryRecv() ?? (await rep.recv());
        if (!rep.trySend(m)) await rep.send(m);
      }
    } else {
      let i = 0;
      for await (const m of rep) {
        await rep.send(m);
        if (++i === limit) break;
      }
    }
  };

  const requester = async (req) => {
    let t0;
    for (let i = 0; i < warm + count; i++) {
      if (i === warm) t0 = start();
      let reply;
      if (variant === 'fast') {
        if (!req.trySend(body)) await req.send(body);
        reply = req.tryRecv() ?? (await req.recv());
      } else {
        await req.send(body);
        reply = await req.recv();
      }
      run.checkSize(reply);
    }
    return stop(t0);
  };

  switch (spec.mode) {
    case 'thr-recv': {
      const pull = open('NN_PULL', true);
      pull.bind(spec.addr);
      out('READY');
      return run.reportThr(await receiver(pull));
    }
    case 'thr-send': {
      const push = open('NN_PUSH', false);
      push.connect(await run.addressWhenTold());
      await sender(push, warm + count);
      return out('SENT'); // the socket stays open until the run ends: closing could drop messages
    }
    case 'lat-rep': {
      const rep = open('NN_REP', true);
      rep.bind(spec.addr);
      out('READY');
      return echo(rep);
    }
    case 'lat-req': {
      const req = open('NN_REQ', true);
      req.connect(await run.addressWhenTold());
      return run.reportLat(await requester(req));
    }
    case 'thr-inproc': {
      const pull = open('NN_PULL', true);
      pull.bind(spec.addr);
      const push = open('NN_PUSH', false);
      push.connect(spec.addr);
      const [timing] = await Promise.all([receiver(pull), sender(push, warm + count)]);
      return run.reportThr(timing);
    }
    case 'lat-inproc': {
      const rep = open('NN_REP', true);
      rep.bind(spec.addr);
      const req = open('NN_REQ', true);
      req.connect(spec.addr);
      const [timing] = await Promise.all([requester(req), echo(rep, warm + count)]);
      return run.reportLat(timing);
    }
  }
  throw new Error(`unknown mode ${spec.mode}`);
}

// ---- node-nanomsg (npm nanomsg@4.2.1) --------------------------------------------

async function nodeNanomsg(run) {
  const nano = depsRequire('nanomsg');
  const { spec, size, count, warm } = run;
  const body = Buffer.alloc(size, 'x');
  const open = (type, opts = {}) => {
    const s = nano.socket(type, opts);
    s.on('error', (e) => run.fail(e));
    run.track(() => s.close());
    return s;
  };
  const bind = (s, addr) => {
    // node-nanomsg reports a failed bind as an 'error' event and returns null.
    s.removeAllListeners('error');
    let failure;
    s.once('error', (e) => (failure = e));
    const rc = s.bind(addr);
    s.removeAllListeners('error');
    s.on('error', (e) => run.fail(e));
    if (rc === null || rc === undefined || rc < 0) {
      const inuse = nano._bindings.Errno() === nano._bindings.EADDRINUSE;
      throw Object.assign(failure ?? new Error('bind failed'), inuse ? { code: 'EADDRINUSE' } : {});
    }
  };

  // Counts `warm` then `count` messages from 'data' events; resolves with the timing.
  const receive = (pull, onMessage) =>
    new Promise((resolve, reject) => {
      let t0;
      let i = 0;
      pull.on('data', (m) => {
        try {
          run.checkSize(m);
        } catch (error) {
          reject(error);
        }
        if (++i === warm) t0 = start();
        onMessage?.(i);
        if (i === warm + count) resolve(stop(t0));
      });
    });

  // Request/reply as its own perf scripts do it: the next send from the 'data' handler.
  const request = (req) =>
    new Promise((resolve, reject) => {
      let t0;
      let i = 0;
      req.on('data', (m) => {
        try {
          run.checkSize(m);
        } catch (error) {
          reject(error);
        }
        if (++i === warm) t0 = start();
        if (i === warm + count) resolve(stop(t0));
        else req.send(body);
      });
      req.send(body);
    });
  const echo = (rep) => rep.on('data', (m) => rep.send(m));

  switch (spec.mode) {
    case 'thr-recv': {
      const pull = open('pull', { rcvmaxsize: -1 });
      bind(pull, spec.addr);
      out('READY');
      return run.reportThr(await receive(pull));
    }
    case 'thr-send': {
      const push = open('push');
      push.connect(await run.addressWhenTold());
      // Its send() queues and writes when the socket is writable, with a
      // blocking nn_send (a PUSH socket's default). Queueing everything at
      // once makes its queue's shift() cost O(n) per message (about 100 us
      // at 100,000 queued), so queue a batch per turn of the event loop, as
      // an application producing messages over time would.
      const total = warm + count;
      for (let i = 0; i < total; i += 256) {
        for (let k = i; k < Math.min(i + 256, total); k++) push.send(body);
        await new Promise(setImmediate);
      }
      return out('SENT');
    }
    case 'lat-rep': {
      const rep = open('rep', { rcvmaxsize: -1 });
      bind(rep, spec.addr);
      echo(rep);
      return out('READY');
    }
    case 'lat-req': {
      const req = open('req', { rcvmaxsize: -1 });
      req.connect(await run.addressWhenTold());
      return run.reportLat(await request(req));
    }
    case 'thr-inproc': {
      const pull = open('pull', { rcvmaxsize: -1 });
      bind(pull, spec.addr);
      const push = open('push');
      push.connect(spec.addr);
      // Its queued send ends in a blocking nn_send, which would block this
      // thread for ever once the inproc pipe is full (the receiver runs on the
      // same thread): send in windows of what the pipe holds, the next window
      // once the receiver has taken the previous one.
      const window = Math.max(1, Math.floor((64 * 1024) / size));
      const total = warm + count;
      let sent = 0;
      const more = () => {
        const n = Math.min(window, total - sent);
        for (let k = 0; k < n; k++) push.send(body);
        sent += n;
      };
      const timing = receive(pull, (i) => i === sent && sent < total && more());
      more();
      return run.reportThr(await timing);
    }
    case 'lat-inproc': {
      const rep = open('rep', { rcvmaxsize: -1 });
      bind(rep, spec.addr);
      echo(rep);
      const req = open('req', { rcvmaxsize: -1 });
      req.connect(spec.addr);
      return run.reportLat(await request(req));
    }
  }
  throw new Error(`unknown mode ${spec.mode}`);
}

// ---- zeromq.js 6 ---------------------------------------------------------------

async function zeromq(run) {
  const zmq = depsRequire('zeromq');
  const { spec, size, count, warm } = run;
  const body = Buffer.alloc(size, 'x');
  const track = (s) => {
    run.track(() => s.close());
    return s;
  };
  // ZeroMQ's ipc:// takes the same path form; inproc:// too.
  const receiver = async (pull) => {
    let t0;
    let i = 0;
    for await (const [m] of pull) {
      run.checkSize(m);
      if (++i === warm) t0 = start();
      if (i === warm + count) break;
    }
    return stop(t0);
  };
  const sender = async (push) => {
    for (let i = 0; i < warm + count; i++) await push.send(body);
  };
  const echo = async (rep) => {
    for await (const [m] of rep) await rep.send(m);
  };
  const requester = async (req) => {
    let t0;
    for (let i = 0; i < warm + count; i++) {
      if (i === warm) t0 = start();
      await req.send(body);
      const [reply] = await req.receive();
      run.checkSize(reply);
    }
    return stop(t0);
  };

  switch (spec.mode) {
    case 'thr-recv': {
      const pull = track(new zmq.Pull());
      await pull.bind(spec.addr);
      out('READY');
      return run.reportThr(await receiver(pull));
    }
    case 'thr-send': {
      const push = track(new zmq.Push());
      push.connect(await run.addressWhenTold());
      await sender(push);
      return out('SENT');
    }
    case 'lat-rep': {
      const rep = track(new zmq.Reply());
      await rep.bind(spec.addr);
      out('READY');
      return echo(rep);
    }
    case 'lat-req': {
      const req = track(new zmq.Request());
      req.connect(await run.addressWhenTold());
      return run.reportLat(await requester(req));
    }
    case 'thr-inproc': {
      const pull = track(new zmq.Pull());
      await pull.bind(spec.addr);
      const push = track(new zmq.Push());
      push.connect(spec.addr);
      const [timing] = await Promise.all([receiver(pull), sender(push)]);
      return run.reportThr(timing);
    }
    case 'lat-inproc': {
      const rep = track(new zmq.Reply());
      await rep.bind(spec.addr);
      const req = track(new zmq.Request());
      req.connect(spec.addr);
      echo(rep).catch(() => {});
      return run.reportLat(await requester(req));
    }
  }
  throw new Error(`unknown mode ${spec.mode}`);
}

const impls = {
  'ours-user': (run) => ours(run, 'user'),
  'ours-fast': (run) => ours(run, 'fast'),
  'ours-iter': (run) => ours(run, 'iter'),
  'node-nanomsg': nodeNanomsg,
  zeromq,
};

// ---- driving runs ------------------------------------------------------------------

let current;

function startRun(spec) {
  const run = new Run(spec);
  current = run;
  const impl = impls[spec.impl];
  const work =
    impl === undefined ? Promise.reject(new Error(`unknown impl ${spec.impl}`)) : impl(run);
  work.catch((error) => run.fail(error));
  return run;
}

async function endRun(run) {
  run.end();
  await run.finish();
  if (current === run) current = undefined;
  out('DONE');
}

let stdinText = '';
const oneShot = process.argv[2] !== undefined;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  stdinText += chunk;
  let nl;
  while ((nl = stdinText.indexOf('\n')) >= 0) {
    const line = stdinText.slice(0, nl);
    stdinText = stdinText.slice(nl + 1);
    if (line.startsWith('go ')) current?.go(line.slice(3));
    else if (line.startsWith('run ') && !oneShot) startRun(JSON.parse(line.slice(4)));
    else if (line === 'end' && current !== undefined) void endRun(current);
  }
});
process.stdin.on('end', async () => {
  if (current !== undefined) await endRun(current);
  process.exit(0);
});

if (oneShot) startRun(JSON.parse(process.argv[2]));
else out('SERVING');
