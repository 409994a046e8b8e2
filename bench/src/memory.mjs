// Memory of an async-iterated Pull: RSS after 10,000 and after `count`
// 64-byte messages (1,000,000 in the full run), sampled along the way.
// Started by the driver as the binding side, with a C PUSH feeding it.
//
//   node --expose-gc memory.mjs '{"addr":"ipc:///…","size":64,"count":1000000}'
import { Socket } from '@nanomsg-ts/core';

const spec = JSON.parse(process.argv[2]);
const { size, count } = spec;
const first = spec.first ?? 10_000;
const out = (line) => process.stdout.write(`${line}\n`);
const MB = 1024 * 1024;

function fail(error) {
  const addrinuse = error?.code === 'EADDRINUSE';
  out(`ERROR ${JSON.stringify({ message: String(error?.stack ?? error), addrinuse })}`);
  process.exit(addrinuse ? 3 : 1);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

function sample(messages) {
  const m = process.memoryUsage();
  return {
    messages,
    rssMB: m.rss / MB,
    heapUsedMB: m.heapUsed / MB,
    externalMB: m.external / MB,
    arrayBuffersMB: m.arrayBuffers / MB,
  };
}

function afterGc(messages) {
  if (typeof globalThis.gc !== 'function') return undefined;
  globalThis.gc();
  return sample(messages);
}

const pull = new Socket('NN_PULL');
pull.bind(spec.addr);
const start = sample(0);
out('READY');

const every = Math.max(1, Math.floor(count / 20));
const samples = [];
let atFirst;
let atFirstGc;
let i = 0;
const t0 = performance.now();
for await (const m of pull) {
  if (m.length !== size) throw new Error(`got ${m.length} bytes, expected ${size}`);
  i++;
  if (i === first) {
    atFirst = sample(i);
    atFirstGc = afterGc(i);
  }
  if (i % every === 0) samples.push(sample(i));
  if (i === count) break;
}
const elapsed = (performance.now() - t0) / 1000;
const atEnd = sample(i);
const atEndGc = afterGc(i);
const peakRssMB = Math.max(...samples.map((s) => s.rssMB), atEnd.rssMB);
out(
  `RESULT ${JSON.stringify({
    size,
    count,
    first,
    elapsed,
    msgsPerSec: count / elapsed,
    start,
    atFirst,
    atEnd,
    atFirstGc,
    atEndGc,
    peakRssMB,
    growthMB: atEnd.rssMB - atFirst.rssMB,
    growthAfterGcMB: atEndGc && atFirstGc ? atEndGc.rssMB - atFirstGc.rssMB : undefined,
    samples,
  })}`,
);
await pull.close();
process.exit(0);
