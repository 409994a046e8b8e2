// Pub and Sub against the C reference tool nanocat (nanomsg-utils), over ipc,
// tcp and ws, with our socket binding and connecting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Pub, Sub } from '@nanomsg-ts/pubsub';
import {
  allBytes,
  bindOurs,
  bindPeer,
  endpointArgs,
  hexLine,
  interopTransports,
  killPeers,
  link,
  nanocat,
  roles,
  waitUntil,
  type Peer,
} from '../../../testing/nanocat.js';

const files = mkdtempSync(join(tmpdir(), 'nanomsg-ts-nanocat-'));

const open: Array<{ close(): Promise<void> }> = [];
function track<T extends { close(): Promise<void> }>(socket: T): T {
  open.push(socket);
  return socket;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Publishes `messages` over and over until `peer` has printed a line (the connection is up). */
async function publishUntilHeard(pub: Pub, peer: Peer, messages: string[]): Promise<void> {
  await waitUntil('nanocat to print a published message', () => {
    if (peer.lines().length > 0) return true;
    for (const m of messages) pub.trySend(m);
    return false;
  });
}

describe.each(interopTransports)('PUB/SUB with nanocat over %s', (transport) => {
  describe.each(roles)('our socket calls %s', (role) => {
    test('our Pub reaches nanocat --sub, which keeps only its --subscribe prefixes', async () => {
      const pub = track(new Pub());
      const { peer } = await link(pub, transport, role, (addr, binds) =>
        nanocat([
          '--sub',
          ...endpointArgs(addr, binds),
          '--subscribe',
          'news.',
          '--subscribe',
          'weather.',
          '--quoted',
        ]),
      );
      await publishUntilHeard(pub, peer, ['sports.0', 'news.0', 'weather.0']);
      // One connection keeps order: had 'sports.last' passed the filter it
      // would be printed before 'weather.last'.
      for (const m of ['sports.last', 'news.last', 'xnews.last', 'weather.last']) await pub.send(m);
      await peer.waitForLine((l) => l === '"weather.last"');
      const lines = peer.lines();
      expect(lines.slice(-2)).toEqual(['"news.last"', '"weather.last"']);
      for (const line of lines) expect(line).toMatch(/^"(news|weather)\.(0|last)"$/);
    });

    test('nanocat --sub without --subscribe gets every message, bytes intact (--hex)', async () => {
      const pub = track(new Pub());
      const { peer } = await link(pub, transport, role, (addr, binds) =>
        nanocat(['--sub', ...endpointArgs(addr, binds), '--hex']),
      );
      await publishUntilHeard(pub, peer, ['probe']);
      await pub.send(allBytes);
      await pub.send('');
      await peer.waitForLine((l) => l === '""');
      const lines = peer.lines();
      expect(lines.slice(-2)).toEqual([hexLine(allBytes), '""']);
      for (const line of lines.slice(0, -2)) expect(line).toBe(hexLine(Buffer.from('probe')));
    });

    test('nanocat --pub --data reaches our Sub subscribed to its prefix', async () => {
      const sub = track(new Sub({ subscribe: ['news.'] }));
      await link(sub, transport, role, (addr, binds) =>
        nanocat([
          '--pub',
          ...endpointArgs(addr, binds),
          '--data',
          'news.flash ✓',
          '--interval',
          '0.05',
        ]),
      );
      expect(await sub.recv({ timeout: 5000 })).toEqual(Buffer.from('news.flash ✓'));
    });

    test('nanocat --pub --file sends bytes; our Sub subscribed to a binary prefix gets them', async () => {
      const file = join(files, `pub-${transport}-${role}.bin`);
      writeFileSync(file, allBytes);
      const sub = track(new Sub({ subscribe: [new Uint8Array([0x00, 0x01, 0x02])] }));
      await link(sub, transport, role, (addr, binds) =>
        nanocat(['--pub', ...endpointArgs(addr, binds), '--file', file, '--interval', '0.05']),
      );
      const got = await sub.recv({ timeout: 5000 });
      expect(got.equals(allBytes)).toBe(true);
    });
  });

  test('our Sub drops what two nanocat publishers send outside its subscriptions', async () => {
    const sub = track(new Sub({ subscribe: ['news.'] }));
    const address = bindOurs(sub, transport);
    nanocat(['--pub', '--connect', address, '--data', 'news.a', '--interval', '0.02']);
    nanocat(['--pub', '--connect', address, '--data', 'sports.b', '--interval', '0.02']);
    // Both publishers connected: from now on both are sending to us.
    await waitUntil('both publishers connected', () => sub.statistics().currentConnections === 2);
    const got: string[] = [];
    for (let i = 0; i < 15; i++) got.push((await sub.recv({ timeout: 5000 })).toString());
    expect(got).toEqual(Array(15).fill('news.a'));
    // The control: the second publisher was there all along.
    sub.subscribe('sports.');
    await waitUntil('a sports message', () => {
      for (let m = sub.tryRecv(); m !== undefined; m = sub.tryRecv()) got.push(m.toString());
      return got.includes('sports.b');
    });
  });

  test('our Sub connected to two nanocat --pub --bind hears both once subscribed to both', async () => {
    const sub = track(new Sub({ subscribe: ['a:', 'b:'] }));
    for (const data of ['a:1', 'b:2']) {
      const { address } = await bindPeer(transport, (addr) =>
        nanocat(['--pub', '--bind', addr, '--data', data, '--interval', '0.02']),
      );
      sub.connect(address);
    }
    const seen = new Set<string>();
    await waitUntil('messages of both publishers', () => {
      for (let m = sub.tryRecv(); m !== undefined; m = sub.tryRecv()) seen.add(m.toString());
      return seen.size >= 2;
    });
    expect([...seen].sort()).toEqual(['a:1', 'b:2']);
  });
});
