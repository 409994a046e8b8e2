// BUS with @nanomsg-ts/bus: three nodes in a full mesh over ipc; what a node
// sends reaches every other node, never itself.
// Run it with `node examples/bus.mjs` (after `pnpm build`), or `pnpm demo`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bus } from '@nanomsg-ts/bus';

const watchdog = setTimeout(() => {
  console.error('bus: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-bus-'));
const names = ['a', 'b', 'c'];
const nodes = names.map(() => new Bus());
try {
  // Messages are not forwarded: every node binds, and connects to those before it.
  const addresses = names.map((name) => `ipc://${join(dir, `${name}.ipc`)}`);
  nodes.forEach((node, i) => {
    node.bind(addresses[i]);
    for (const earlier of addresses.slice(0, i)) node.connect(earlier);
  });
  console.log('BUS over ipc, a full mesh of a, b, c');

  // A BUS drops what it sends while a peer is not connected yet: every node
  // says hello until it has heard from both others.
  const heard = nodes.map(() => new Set());
  while (heard.some((from) => from.size < names.length - 1)) {
    await Promise.all(nodes.map((node, i) => node.send(`hello from ${names[i]}`)));
    await sleep(20);
    nodes.forEach((node, i) => {
      for (let m = node.tryRecv(); m !== undefined; m = node.tryRecv())
        heard[i].add(String(m).slice(-1));
    });
  }
  nodes.forEach((_, i) =>
    console.log(`  ${names[i]} heard from ${[...heard[i]].sort().join(' and ')}`),
  );
} finally {
  await Promise.all(nodes.map((node) => node.close()));
  rmSync(dir, { recursive: true, force: true });
}
console.log('bus: done');
