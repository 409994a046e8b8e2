// A concurrent REP service with @nanomsg-ts/reqrep: an async handler (here a
// 5 ms "database lookup") answering up to 64 requests at once on one socket.
// Run it alone with `node examples/reqrep-service.mjs [address]` (Ctrl+C
// stops it), or let examples/reqrep-concurrent.mjs start it.
import { setTimeout as sleep } from 'node:timers/promises';
import { Rep } from '@nanomsg-ts/reqrep';

const address = process.argv[2] ?? 'tcp://127.0.0.1:5555';

/** The "database": a price per product, found after 5 ms. */
async function lookUp(product) {
  await sleep(5);
  return { product, price: product.length * 100 };
}

const service = new Rep({ concurrent: true });
service.bind(address);

// Ctrl+C or a SIGTERM stops serving: the handlers running finish and reply first.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

console.log(`service: serving on ${address}`);
await service.serve(async (request) => JSON.stringify(await lookUp(String(request))), {
  concurrency: 64,
  signal: stop.signal,
  onError: (error, request) => console.error(`service: no reply to "${request}": ${error}`),
});
await service.close();
console.log('service: stopped');
