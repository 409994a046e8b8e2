// Pair against the C reference tool nanocat (nanomsg-utils), over ipc, tcp
// and ws, with our socket binding and connecting, both directions at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Pair } from '@nanomsg-ts/pair';
import {
  allBytes,
  asciiLine,
  bindPeer,
  endpointArgs,
  hexLine,
  interopTransports,
  killPeers,
  link,
  nanocat,
  quotedLine,
  roles,
} from '../../../testing/nanocat.js';
import { sleep } from '../../../testing/helpers.js';

const files = mkdtempSync(join(tmpdir(), 'nanomsg-ts-nanocat-'));

const open: Pair[] = [];
function pair(): Pair {
  const p = new Pair();
  open.push(p);
  return p;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.each(interopTransports)('Pair with nanocat over %s', (transport) => {
  describe.each(roles)('our socket calls %s', (role) => {
    test('messages flow both ways with nanocat --pair (--quoted)', async () => {
      const ours = pair();
      const { peer } = await link(ours, transport, role, (addr, binds) =>
        nanocat([
          '--pair',
          ...endpointArgs(addr, binds),
          '--data',
          'from "nanocat"',
          '--interval',
          '0.05',
          '--quoted',
        ]),
      );
      expect(await ours.recv({ timeout: 5000 })).toEqual(Buffer.from('from "nanocat"'));
      // The connection is up now: what we send reaches nanocat, in order.
      await ours.send('from ts\t1', { timeout: 5000 });
      await ours.send(Buffer.from('from ts 2\n'), { timeout: 5000 });
      const lines = await peer.waitForLines(2);
      expect(lines).toEqual([
        quotedLine(Buffer.from('from ts\t1')),
        quotedLine(Buffer.from('from ts 2\n')),
      ]);
      // nanocat kept sending meanwhile; each of its messages is intact.
      for (let m = ours.tryRecv(); m !== undefined; m = ours.tryRecv()) {
        expect(m.toString()).toBe('from "nanocat"');
      }
    });

    test('every byte value both ways (nanocat --file and --hex)', async () => {
      const ours = pair();
      const reversed = Buffer.from(allBytes).reverse();
      const file = join(files, `${transport}-${role}.bin`);
      writeFileSync(file, reversed);
      const { peer } = await link(ours, transport, role, (addr, binds) =>
        nanocat([
          '--pair',
          ...endpointArgs(addr, binds),
          '--file',
          file,
          '--interval',
          '0.05',
          '--hex',
        ]),
      );
      const got = await ours.recv({ timeout: 5000 });
      expect(got.equals(reversed)).toBe(true);
      await ours.send(allBytes, { timeout: 5000 });
      expect(await peer.waitForLines(1)).toEqual([hexLine(allBytes)]);
    });
  });

  test('a nanocat --pair that only listens prints what we send (--ascii)', async () => {
    const ours = pair();
    const { peer, address } = await bindPeer(transport, (addr) =>
      nanocat(['--pair', '--bind', addr, '--ascii']),
    );
    ours.connect(address);
    const message = Buffer.from('caf\xc3\xa9 \x01ok', 'latin1');
    await ours.send(message, { timeout: 5000 });
    expect(await peer.waitForLines(1)).toEqual([asciiLine(message)]);
    expect(peer.lines()[0]).toBe('caf.. .ok');
  });

  test('a second nanocat --pair gets nothing while the first is connected', async () => {
    const ours = pair();
    const { peer: first, address } = await link(ours, transport, 'bind', (addr, binds) =>
      nanocat(['--pair', ...endpointArgs(addr, binds), '--quoted']),
    );
    await ours.send('hello first', { timeout: 5000 });
    expect(await first.waitForLines(1)).toEqual(['"hello first"']);
    const second = nanocat([
      '--pair',
      '--connect',
      address,
      '--data',
      'second',
      '--interval',
      '0.05',
      '--quoted',
    ]);
    // Give the second peer time to try; PAIR talks to one peer only.
    await sleep(300);
    expect(second.exited).toBeUndefined();
    await ours.send('still first', { timeout: 5000 });
    expect(await first.waitForLines(2)).toEqual(['"hello first"', '"still first"']);
    expect(second.lines()).toEqual([]);
    expect(ours.tryRecv()).toBeUndefined();
  });
});
