// Many requests in flight on one socket with @nanomsg-ts/reqrep: a concurrent
// REQ client fires 200 requests at once at the service of
// examples/reqrep-service.mjs (started here as a child process), and every
// reply comes back to the request that asked for it.
// Run it with `node examples/reqrep-concurrent.mjs` (after `pnpm build`), or `pnpm demo`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Req } from '@nanomsg-ts/reqrep';

const watchdog = setTimeout(() => {
  console.error('reqrep-concurrent: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const address = `tcp://127.0.0.1:${20_000 + Math.floor(Math.random() * 40_000)}`;
const serviceFile = fileURLToPath(new URL('reqrep-service.mjs', import.meta.url));
const service = spawn(process.execPath, [serviceFile, address], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [first] = await once(service.stdout, 'data');
if (!String(first).startsWith('service: serving')) throw new Error(`service said ${first}`);
console.log('a concurrent REQ client and a concurrent REP service, over tcp');

const client = new Req({ concurrent: true });
try {
  client.connect(address);
  const products = Array.from({ length: 200 }, (_, i) => `product-${i}`);
  const started = performance.now();
  // All 200 at once: each request() has its own request id and its own reply.
  const replies = await Promise.all(
    products.map((product) => client.request(product, { timeout: 5000 })),
  );
  const ms = performance.now() - started;
  const own = replies.filter((reply, i) => JSON.parse(String(reply)).product === products[i]);
  console.log(
    `  ${replies.length} requests at once, ${own.length} replies each to its own request`,
  );
  // One at a time, each would wait for the 5 ms lookup: at least 1 s in all.
  console.log(`  took ${ms < 1000 ? 'less' : 'more'} than the 1 s that one at a time would take`);
} finally {
  await client.close();
  service.kill('SIGTERM');
}
const [code] = await once(service, 'exit');
console.log(`  the service stopped (exit ${code})`);
console.log('reqrep-concurrent: done');
