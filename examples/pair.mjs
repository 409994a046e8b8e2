// PAIR with @nanomsg-ts/pair: two peers over ipc, each can send and receive.
// Run it with `node examples/pair.mjs` (after `pnpm build`), or `pnpm demo`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pair } from '@nanomsg-ts/pair';

const watchdog = setTimeout(() => {
  console.error('pair: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-pair-'));
const address = `ipc://${join(dir, 'pair.ipc')}`;
const left = new Pair();
const right = new Pair();
try {
  left.bind(address);
  right.connect(address);
  console.log('PAIR over ipc');

  // A PAIR's send waits until its one peer is connected, so no start-up dance.
  for (let round = 1; round <= 3; round++) {
    await left.send(`ping ${round}`);
    const ping = String(await right.recv());
    await right.send(ping.replace('ping', 'pong'));
    console.log(`  left sent "ping ${round}", right answered "${await left.recv()}"`);
  }
} finally {
  await Promise.all([left.close(), right.close()]);
  rmSync(dir, { recursive: true, force: true });
}
console.log('pair: done');
