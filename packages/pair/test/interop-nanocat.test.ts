// Pair against the C reference tool nanocat (nanomsg-utils), over ipc, tcp
// and ws, with our socket binding and connecting, both directions at once.
import { describe, expect, test } from 'vitest';
import { Pair } from '@nanomsg-ts/pair';
import { sleep } from '@nanomsg-ts/testkit';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

describe.each(nc.interopTransports)('Pair with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('messages flow both ways with nanocat --pair (--quoted)', async () => {
      const ours = track(new Pair());
      const data = 'from "nanocat"';
      const start = nc.nanocatAt('--pair', '--data', data, '--interval', '0.05', '--quoted');
      const { peer } = await nc.link(ours, transport, role, start);
      expect(await ours.recv({ timeout: 5000 })).toEqual(Buffer.from(data));
      // The connection is up now: what we send reaches nanocat, in order.
      await ours.send('from ts\t1', { timeout: 5000 });
      await ours.send(Buffer.from('from ts 2\n'), { timeout: 5000 });
      const lines = await peer.waitForLines(2);
      expect(lines).toEqual([
        nc.quotedLine(Buffer.from('from ts\t1')),
        nc.quotedLine(Buffer.from('from ts 2\n')),
      ]);
      // nanocat kept sending meanwhile; each of its messages is intact.
      for (let m = ours.tryRecv(); m !== undefined; m = ours.tryRecv()) {
        expect(m.toString()).toBe(data);
      }
    });

    test('every byte value both ways (nanocat --file and --hex)', async () => {
      const reversed = Buffer.from(nc.allBytes).reverse();
      await nc.everyByteBothWays(track(new Pair()), transport, role, '--pair', reversed);
    });
  });

  test('a nanocat --pair that only listens prints what we send (--ascii)', async () => {
    const ours = track(new Pair());
    const { peer, address } = await nc.bindPeer(transport, nc.nanocatAt('--pair', '--ascii'));
    ours.connect(address);
    const message = Buffer.from('caf\xc3\xa9 \x01ok', 'latin1');
    await ours.send(message, { timeout: 5000 });
    expect(await peer.waitForLines(1)).toEqual([nc.asciiLine(message)]);
    expect(peer.lines()[0]).toBe('caf.. .ok');
  });

  test('a second nanocat --pair gets nothing while the first is connected', async () => {
    const ours = track(new Pair());
    const start = nc.nanocatAt('--pair', '--quoted');
    const { peer: first, address } = await nc.link(ours, transport, 'bind', start);
    await ours.send('hello first', { timeout: 5000 });
    expect(await first.waitForLines(1)).toEqual(['"hello first"']);
    const second = nc.nanocatTo(
      address,
      '--pair',
      '--data',
      'second',
      '--interval',
      '0.05',
      '--quoted',
    );
    // Give the second peer time to try; PAIR talks to one peer only.
    await sleep(300);
    expect(second.exited).toBeUndefined();
    await ours.send('still first', { timeout: 5000 });
    expect(await first.waitForLines(2)).toEqual(['"hello first"', '"still first"']);
    expect(second.lines()).toEqual([]);
    expect(ours.tryRecv()).toBeUndefined();
  });
});
