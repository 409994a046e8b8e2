// PUSH/PULL with @nanomsg-ts/pipeline: a producer hands out jobs to two
// workers over ipc, each job to one of them.
// Run it with `node examples/pipeline.mjs` (after `pnpm build`), or `pnpm demo`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pull, Push } from '@nanomsg-ts/pipeline';

const watchdog = setTimeout(() => {
  console.error('pipeline: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-pipeline-'));
const address = `ipc://${join(dir, 'jobs.ipc')}`;
const producer = new Push();
const workers = [new Pull(), new Pull()];
const jobs = 6;
try {
  producer.bind(address);
  for (const worker of workers) worker.connect(address);
  console.log('PUSH/PULL over ipc');

  // Each worker takes jobs until the socket is closed.
  const done = [];
  const working = workers.map(async (worker, index) => {
    for await (const job of worker) {
      done.push({ job: String(job), worker: index + 1 });
      if (done.length === jobs) await Promise.all(workers.map((w) => w.close()));
    }
  });

  // A PUSH's send waits while no worker is connected, then load-balances.
  for (let n = 1; n <= jobs; n++) await producer.send(`job ${n}`);
  await Promise.all(working);

  done.sort((a, b) => a.job.localeCompare(b.job, 'en', { numeric: true }));
  for (const { job, worker } of done) console.log(`  ${job} done by worker ${worker}`);
  console.log(`  ${done.length} jobs done`);
} finally {
  await Promise.all([producer.close(), ...workers.map((w) => w.close())]);
  rmSync(dir, { recursive: true, force: true });
}
console.log('pipeline: done');
