// Bus against the C reference tool nanocat (nanomsg-utils), over ipc, tcp and
// ws, with our socket binding and connecting.
import { describe, expect, test } from 'vitest';
import { Bus } from '@nanomsg-ts/bus';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

describe.each(nc.interopTransports)('Bus with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('messages flow both ways with nanocat --bus (--quoted)', async () => {
      const ours = track(new Bus());
      const data = 'from\tnanocat';
      const start = nc.nanocatAt('--bus', '--data', data, '--interval', '0.05', '--quoted');
      const { peer } = await nc.link(ours, transport, role, start);
      expect(await ours.recv({ timeout: 5000 })).toEqual(Buffer.from(data));
      await ours.send('from "ts"', { timeout: 5000 });
      await ours.send('second\\', { timeout: 5000 });
      // A bus node never receives its own messages: nanocat prints only ours.
      expect(await peer.waitForLines(2)).toEqual([
        nc.quotedLine(Buffer.from('from "ts"')),
        nc.quotedLine(Buffer.from('second\\')),
      ]);
    });

    test('every byte value both ways (nanocat --bus --file --hex)', async () => {
      const theirs = Buffer.concat([Buffer.from('nc:'), nc.allBytes]);
      await nc.everyByteBothWays(track(new Bus()), transport, role, '--bus', theirs);
    });
  });

  test('our Bus between two nanocat nodes: both hear us, neither hears the other through us', async () => {
    const ours = track(new Bus());
    const address = nc.bindAny(ours, transport).address;
    const node = (name: string): nc.Peer =>
      nc.nanocatTo(address, '--bus', '--data', name, '--interval', '0.02', '--ascii');
    const a = node('node-a');
    const b = node('node-b');
    const heard = new Set<string>();
    await nc.waitFor(() => {
      for (let m = ours.tryRecv(); m !== undefined; m = ours.tryRecv()) heard.add(m.toString());
      return heard.size === 2;
    }, 'messages of both nanocat nodes');
    expect([...heard].sort()).toEqual(['node-a', 'node-b']);
    await ours.send('to all', { timeout: 5000 });
    await a.waitForLine((l) => l === 'to all');
    await b.waitForLine((l) => l === 'to all');
    // BUS does not forward: a and b are not connected to each other.
    expect(a.lines()).toEqual(['to all']);
    expect(b.lines()).toEqual(['to all']);
  });
});
