// PUB/SUB with @nanomsg-ts/pubsub: one publisher, two subscribers with
// different subscriptions, over ipc.
// Run it with `node examples/pubsub.mjs` (after `pnpm build`), or `pnpm demo`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pub, Sub } from '@nanomsg-ts/pubsub';

const watchdog = setTimeout(() => {
  console.error('pubsub: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-pubsub-'));
const address = `ipc://${join(dir, 'pubsub.ipc')}`;
const pub = new Pub();
// A new Sub receives nothing until it subscribes: `subscribe` lists prefixes,
// and subscribe() with no argument takes everything.
const weather = new Sub({ subscribe: ['weather.', 'hello'] });
const everything = new Sub();
everything.subscribe();
try {
  pub.bind(address);
  weather.connect(address);
  everything.connect(address);
  console.log('PUB/SUB over ipc');

  // A subscriber only gets what is published after it has connected, and a
  // PUB never waits for anyone: say hello until both subscribers heard it.
  const waiting = new Set([weather, everything]);
  while (waiting.size > 0) {
    await pub.send('hello');
    await sleep(20);
    for (const sub of waiting) if (sub.tryRecv() !== undefined) waiting.delete(sub);
  }
  weather.unsubscribe('hello');

  for (const message of ['weather.paris 21C', 'news.today all quiet', 'weather.oslo -3C']) {
    await pub.send(message);
  }

  /** Receives `count` messages, leaving out the hellos still on their way. */
  async function take(sub, count) {
    const got = [];
    while (got.length < count) {
      const message = String(await sub.recv({ timeout: 5000 }));
      if (message !== 'hello') got.push(message);
    }
    return got;
  }
  for (const message of await take(weather, 2))
    console.log(`  weather.* subscriber got "${message}"`);
  for (const message of await take(everything, 3))
    console.log(`  catch-all subscriber got "${message}"`);
} finally {
  await Promise.all([pub.close(), weather.close(), everything.close()]);
  rmSync(dir, { recursive: true, force: true });
}
console.log('pubsub: done');
