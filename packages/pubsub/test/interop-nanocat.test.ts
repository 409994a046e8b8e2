// Pub and Sub against the C reference tool nanocat (nanomsg-utils), over ipc,
// tcp and ws, with our socket binding and connecting.
import { describe, expect, test } from 'vitest';
import { Pub, Sub } from '@nanomsg-ts/pubsub';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

/** Publishes `messages` over and over until `peer` has printed a line (the connection is up). */
async function publishUntilHeard(pub: Pub, peer: nc.Peer, messages: string[]): Promise<void> {
  await nc.waitFor(() => {
    if (peer.lines().length > 0) return true;
    for (const m of messages) pub.trySend(m);
    return false;
  }, 'nanocat to print a published message');
}

describe.each(nc.interopTransports)('PUB/SUB with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('our Pub reaches nanocat --sub, which keeps only its --subscribe prefixes', async () => {
      const pub = track(new Pub());
      const topics = ['--subscribe', 'news.', '--subscribe', 'weather.'];
      const start = nc.nanocatAt('--sub', ...topics, '--quoted');
      const { peer } = await nc.link(pub, transport, role, start);
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
      const { peer } = await nc.link(pub, transport, role, nc.nanocatAt('--sub', '--hex'));
      await publishUntilHeard(pub, peer, ['probe']);
      await pub.send(nc.allBytes);
      await pub.send('');
      await peer.waitForLine((l) => l === '""');
      const lines = peer.lines();
      expect(lines.slice(-2)).toEqual([nc.hexLine(nc.allBytes), '""']);
      for (const line of lines.slice(0, -2)) expect(line).toBe(nc.hexLine(Buffer.from('probe')));
    });

    test('nanocat --pub --data reaches our Sub subscribed to its prefix', async () => {
      const sub = track(new Sub({ subscribe: ['news.'] }));
      const start = nc.nanocatAt('--pub', '--data', 'news.flash ✓', '--interval', '0.05');
      await nc.link(sub, transport, role, start);
      expect(await sub.recv({ timeout: 5000 })).toEqual(Buffer.from('news.flash ✓'));
    });

    test('nanocat --pub --file sends bytes; our Sub subscribed to a binary prefix gets them', async () => {
      const sub = track(new Sub({ subscribe: [new Uint8Array([0x00, 0x01, 0x02])] }));
      const start = nc.nanocatAt('--pub', '--file', nc.dataFile(nc.allBytes), '--interval', '0.05');
      await nc.link(sub, transport, role, start);
      const got = await sub.recv({ timeout: 5000 });
      expect(got.equals(nc.allBytes)).toBe(true);
    });
  });

  test('our Sub drops what two nanocat publishers send outside its subscriptions', async () => {
    const sub = track(new Sub({ subscribe: ['news.'] }));
    const address = nc.bindAny(sub, transport).address;
    nc.nanocatTo(address, '--pub', '--data', 'news.a', '--interval', '0.02');
    nc.nanocatTo(address, '--pub', '--data', 'sports.b', '--interval', '0.02');
    // Both publishers connected: from now on both are sending to us.
    await nc.waitFor(() => sub.statistics().currentConnections === 2, 'both publishers connected');
    const got: string[] = [];
    for (let i = 0; i < 15; i++) got.push((await sub.recv({ timeout: 5000 })).toString());
    expect(got).toEqual(Array(15).fill('news.a'));
    // The control: the second publisher was there all along.
    sub.subscribe('sports.');
    await nc.waitFor(() => {
      for (let m = sub.tryRecv(); m !== undefined; m = sub.tryRecv()) got.push(m.toString());
      return got.includes('sports.b');
    }, 'a sports message');
  });

  test('our Sub connected to two nanocat --pub --bind hears both once subscribed to both', async () => {
    const sub = track(new Sub({ subscribe: ['a:', 'b:'] }));
    for (const data of ['a:1', 'b:2']) {
      const start = nc.nanocatAt('--pub', '--data', data, '--interval', '0.02');
      const { address } = await nc.bindPeer(transport, start);
      sub.connect(address);
    }
    const seen = new Set<string>();
    await nc.waitFor(() => {
      for (let m = sub.tryRecv(); m !== undefined; m = sub.tryRecv()) seen.add(m.toString());
      return seen.size >= 2;
    }, 'messages of both publishers');
    expect([...seen].sort()).toEqual(['a:1', 'b:2']);
  });
});
