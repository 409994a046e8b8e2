// Bus against the C reference tool nanocat (nanomsg-utils), over ipc, tcp and
// ws, with our socket binding and connecting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Bus } from '@nanomsg-ts/bus';
import {
  allBytes,
  bindOurs,
  endpointArgs,
  hexLine,
  interopTransports,
  killPeers,
  link,
  nanocat,
  quotedLine,
  roles,
  waitUntil,
} from '../../../testing/nanocat.js';

const files = mkdtempSync(join(tmpdir(), 'nanomsg-ts-nanocat-'));

const open: Bus[] = [];
function bus(): Bus {
  const b = new Bus();
  open.push(b);
  return b;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.each(interopTransports)('Bus with nanocat over %s', (transport) => {
  describe.each(roles)('our socket calls %s', (role) => {
    test('messages flow both ways with nanocat --bus (--quoted)', async () => {
      const ours = bus();
      const { peer } = await link(ours, transport, role, (addr, binds) =>
        nanocat([
          '--bus',
          ...endpointArgs(addr, binds),
          '--data',
          'from\tnanocat',
          '--interval',
          '0.05',
          '--quoted',
        ]),
      );
      expect(await ours.recv({ timeout: 5000 })).toEqual(Buffer.from('from\tnanocat'));
      await ours.send('from "ts"', { timeout: 5000 });
      await ours.send('second\\', { timeout: 5000 });
      // A bus node never receives its own messages: nanocat prints only ours.
      expect(await peer.waitForLines(2)).toEqual([
        quotedLine(Buffer.from('from "ts"')),
        quotedLine(Buffer.from('second\\')),
      ]);
    });

    test('every byte value both ways (nanocat --bus --file --hex)', async () => {
      const ours = bus();
      const theirs = Buffer.concat([Buffer.from('nc:'), allBytes]);
      const file = join(files, `bus-${transport}-${role}.bin`);
      writeFileSync(file, theirs);
      const { peer } = await link(ours, transport, role, (addr, binds) =>
        nanocat([
          '--bus',
          ...endpointArgs(addr, binds),
          '--file',
          file,
          '--interval',
          '0.05',
          '--hex',
        ]),
      );
      const got = await ours.recv({ timeout: 5000 });
      expect(got.equals(theirs)).toBe(true);
      await ours.send(allBytes, { timeout: 5000 });
      expect(await peer.waitForLines(1)).toEqual([hexLine(allBytes)]);
    });
  });

  test('our Bus between two nanocat nodes: both hear us, neither hears the other through us', async () => {
    const ours = bus();
    const address = bindOurs(ours, transport);
    const a = nanocat([
      '--bus',
      '--connect',
      address,
      '--data',
      'node-a',
      '--interval',
      '0.02',
      '--ascii',
    ]);
    const b = nanocat([
      '--bus',
      '--connect',
      address,
      '--data',
      'node-b',
      '--interval',
      '0.02',
      '--ascii',
    ]);
    const heard = new Set<string>();
    await waitUntil('messages of both nanocat nodes', () => {
      for (let m = ours.tryRecv(); m !== undefined; m = ours.tryRecv()) heard.add(m.toString());
      return heard.size === 2;
    });
    expect([...heard].sort()).toEqual(['node-a', 'node-b']);
    await ours.send('to all', { timeout: 5000 });
    await a.waitForLine((l) => l === 'to all');
    await b.waitForLine((l) => l === 'to all');
    // BUS does not forward: a and b are not connected to each other.
    expect(a.lines()).toEqual(['to all']);
    expect(b.lines()).toEqual(['to all']);
  });
});
