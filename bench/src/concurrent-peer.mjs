// One side of the "many requests in flight" benchmark (concurrent.mjs), in
// Node.js, with @nanomsg-ts/reqrep.
//
//   node concurrent-peer.mjs           a server of runs, each started by "run SPEC"
//                                      on stdin and finished by "end" (pooled)
//   node concurrent-peer.mjs SPEC      one run, then exit when stdin ends
//
// SPEC is JSON: {"role":"serve","variant":"concurrent","addr":"ipc:///…","n":64,"delayMs":1}
//
// role: serve     a Rep binds ADDR, prints READY and serves: the handler echoes
//                 the request, after delayMs (a promise around setTimeout) when
//                 delayMs > 0. On each "mark" line it prints
//                 MARK {"cpuUs":…,"handled":…} (cumulative, whole process).
//       request   a Req prints LOADED, connects to ADDR from "go ADDR" and keeps
//                 n requests of `size` bytes in flight (n callers, each: await
//                 request(), check the reply, issue the next); after warmMs it
//                 prints MARK, after measureMs more RESULT {count, elapsed,
//                 reqPerSec, cpuUsPerReq}.
//       hold      (memory) a concurrent Rep whose handler holds each request
//                 until `count` are held; then it prints HELD {memory} and
//                 answers them on "release" (paced). Again for the next round;
//                 "sample" prints SAMPLE {memory, resends}.
//       flood     (memory) a concurrent Req that, on "round", issues `count`
//                 requests at once and prints ROUND {ms} when all are answered;
//                 on "sample" prints SAMPLE {memory} (after a GC with --expose-gc).
// variant: one-at-a-time  cooked Req (the n callers queue: one outstanding) and
//                         cooked Rep serve (one handler at a time)
//          concurrent     new Req({ concurrent: true }) and new Rep({ concurrent:
//                         true }).serve(handler, { concurrency })
// When a run ends ("end" or the end of stdin) it closes its sockets and prints
// DONE. Failures: ERROR {json}. NNTS_BENCH_CORE does not apply here: reqrep
// loads the core its own package resolves to.
import { Rep, Req } from '@nanomsg-ts/reqrep';

const out = (line) => process.stdout.write(`${line}\n`);
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function errorLine(error) {
  const code = error?.code;
  const addrinuse = code === 'EADDRINUSE';
  return `ERROR ${JSON.stringify({ message: String(error?.stack ?? error), code, addrinuse })}`;
}
function fatal(error) {
  out(errorLine(error));
  process.exit(1);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const MB = 1024 * 1024;
  return {
    rssMB: m.rss / MB,
    heapUsedMB: m.heapUsed / MB,
    externalMB: m.external / MB,
    arrayBuffersMB: m.arrayBuffers / MB,
  };
}

/** One run: its spec, its sockets, and the driver's lines addressed to it. */
class Run {
  constructor(spec) {
    this.spec = spec;
    this.sockets = [];
    this.ending = false;
    this.handlers = {}; // line -> function
    this.goWaiter = undefined;
  }

  open(socket) {
    this.sockets.push(socket);
    return socket;
  }

  /** Prints LOADED and resolves with the address from "go ADDR". */
  addressWhenTold() {
    out('LOADED');
    return new Promise((resolve) => (this.goWaiter = resolve));
  }

  line(line) {
    if (line.startsWith('go ')) this.goWaiter?.(line.slice(3));
    else this.handlers[line]?.();
  }

  async finish() {
    this.ending = true;
    for (const s of this.sockets.splice(0)) {
      try {
        await s.close();
      } catch {
        // closing at the end of a run: nothing to do about it
      }
    }
  }
}

// Nagle off, as NNG has it by default (libnanomsg leaves it on): the C NNG
// pair is the reference, so both sides compare with the same TCP setting.
const tcp = { tcpNoDelay: true };

function openRep(run) {
  const { variant } = run.spec;
  const rep = run.open(new Rep({ ...tcp, concurrent: variant === 'concurrent' }));
  rep.bind(run.spec.addr);
  return rep;
}

function openReq(run) {
  const { variant } = run.spec;
  return run.open(new Req({ ...tcp, concurrent: variant === 'concurrent' }));
}

const roles = {
  async serve(run) {
    const { variant, delayMs, concurrency } = run.spec;
    const rep = openRep(run);
    let handled = 0;
    const handler =
      delayMs > 0
        ? (request) => {
            handled++;
            return new Promise((resolve) => setTimeout(resolve, delayMs, request));
          }
        : (request) => {
            handled++;
            return request;
          };
    run.handlers.mark = () => out(`MARK ${JSON.stringify({ cpuUs: cpuUs(), handled })}`);
    const serving = rep.serve(handler, variant === 'concurrent' ? { concurrency } : undefined);
    out('READY');
    await serving;
  },

  async request(run) {
    const { variant, n, size, warmMs, measureMs } = run.spec;
    const req = openReq(run);
    const body = Buffer.alloc(size, 'x');
    req.connect(await run.addressWhenTold());
    let replies = 0;
    let stopping = false;
    // When each caller's outstanding request was made: a reply the library
    // dropped leaves its caller waiting for the resend (resendInterval, 60 s).
    const since = new Float64Array(n);
    const caller = async (k) => {
      while (!stopping) {
        since[k] = performance.now();
        const reply = await req.request(body);
        if (reply.length !== size) throw new Error(`reply of ${reply.length} B, expected ${size}`);
        replies++;
      }
    };
    const callers = Array.from({ length: n }, (_x, k) =>
      caller(k).catch((error) => {
        if (!run.ending) throw error;
      }),
    );
    void Promise.all(callers).catch(fatal);
    await sleep(warmMs);
    const n0 = replies;
    const c0 = cpuUs();
    const t0 = performance.now();
    out('MARK');
    await sleep(measureMs);
    const count = replies - n0;
    const cpu = cpuUs() - c0;
    const now = performance.now();
    const elapsed = (now - t0) / 1000;
    stopping = true;
    if (run.ending) return;
    // Waiting longer than the whole measurement: stalled (a cooked Req's callers queue, so
    // for it only a wait longer than n times the measurement counts).
    const limit = (variant === 'concurrent' ? 1 : n) * measureMs;
    const stalled = since.filter((t) => now - t > limit).length;
    const reqPerSec = count / elapsed;
    out(
      `RESULT ${JSON.stringify({ count, elapsed, reqPerSec, cpuUsPerReq: cpu / count, stalled })}`,
    );
  },

  async hold(run) {
    const { count } = run.spec;
    const rep = openRep(run);
    // Request body: round (u32), index (u32). Held by index until "release";
    // a resend of a request still held waits with it, one of a released round
    // is answered at once.
    const held = new Map();
    let released = 0;
    let resends = 0;
    const sample = () => ({ ...memory(), resends });
    run.handlers.sample = () => out(`SAMPLE ${JSON.stringify(sample())}`);
    run.handlers.release = () => {
      const waiting = [...held.values()];
      held.clear();
      released++;
      // Paced: libnanomsg's raw REP drops a reply when the pipe's socket
      // buffer is full (the requester then resends after resendInterval).
      let i = 0;
      const tick = () => {
        for (const end = Math.min(i + RELEASE_BATCH, waiting.length); i < end; i++) {
          for (const answer of waiting[i]) answer();
        }
        if (i < waiting.length) setTimeout(tick, RELEASE_EVERY_MS);
      };
      tick();
    };
    const handler = (request) => {
      if (request.readUInt32LE(0) <= released) {
        resends++;
        return request;
      }
      const index = request.readUInt32LE(4);
      let waiters = held.get(index);
      if (waiters === undefined) held.set(index, (waiters = []));
      else resends++;
      return new Promise((resolve) => {
        waiters.push(() => resolve(request));
        if (waiters.length === 1 && held.size === count) out(`HELD ${JSON.stringify(sample())}`);
      });
    };
    const serving = rep.serve(handler, { concurrency: 2 * count });
    out('READY');
    await serving;
  },

  async flood(run) {
    const { count, size } = run.spec;
    // A reply dropped at the server (see hold) comes with the resend.
    const req = run.open(new Req({ concurrent: true, resendInterval: FLOOD_RESEND_MS }));
    let round = 0;
    // Ready for the driver's lines before "go": they may come in the same chunk.
    run.handlers.sample = () => out(`SAMPLE ${JSON.stringify(memory())}`);
    run.handlers.round = async () => {
      round++;
      const t0 = performance.now();
      const requests = [];
      for (let i = 0; i < count; i++) {
        const body = Buffer.alloc(size, 'x');
        body.writeUInt32LE(round, 0);
        body.writeUInt32LE(i, 4);
        requests.push(req.request(body));
      }
      const replies = await Promise.all(requests);
      if (replies.some((r) => r.length !== size)) throw new Error('a reply of the wrong size');
      out(`ROUND ${JSON.stringify({ ms: performance.now() - t0 })}`);
    };
    req.connect(await run.addressWhenTold());
  },
};

const RELEASE_BATCH = 100;
const RELEASE_EVERY_MS = 5;
const FLOOD_RESEND_MS = 3000;

// ---- driving runs ----------------------------------------------------------------

let current;

function startRun(spec) {
  const run = new Run(spec);
  current = run;
  const role = roles[spec.role];
  const work =
    role === undefined ? Promise.reject(new Error(`unknown role ${spec.role}`)) : role(run);
  work.catch((error) => {
    if (!run.ending) out(errorLine(error));
  });
}

async function endRun(run) {
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
    if (line.startsWith('run ') && !oneShot) startRun(JSON.parse(line.slice(4)));
    else if (line === 'end' && current !== undefined) void endRun(current);
    else current?.line(line);
  }
});
process.stdin.on('end', async () => {
  if (current !== undefined) await endRun(current);
  process.exit(0);
});

if (oneShot) startRun(JSON.parse(process.argv[2]));
else out('SERVING');
