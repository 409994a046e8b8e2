// Push and Pull against the C reference tool nanocat (nanomsg-utils), over
// ipc, tcp and ws, with our socket binding and connecting, in both directions.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Pull, Push } from '@nanomsg-ts/pipeline';
import {
  allBytes,
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
let fileSerial = 0;
function dataFile(bytes: Uint8Array): string {
  const path = join(files, `data${++fileSerial}.bin`);
  writeFileSync(path, bytes);
  return path;
}

const open: Array<{ close(): Promise<void> }> = [];
function track<T extends { close(): Promise<void> }>(socket: T): T {
  open.push(socket);
  return socket;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.each(interopTransports)('pipeline with nanocat over %s', (transport) => {
  describe.each(roles)('our socket calls %s', (role) => {
    test('our Push sends text and bytes to nanocat --pull, in order', async () => {
      const push = track(new Push());
      const { peer } = await link(push, transport, role, (addr, binds) =>
        nanocat(['--pull', ...endpointArgs(addr, binds), '--quoted']),
      );
      const messages = [
        'first',
        'say "hi"\\',
        'two\nlines\r',
        Buffer.from([0x00, 0x01, 0x7f, 0x20, 0x41]),
      ];
      for (const m of messages) await push.send(m, { timeout: 5000 });
      const lines = await peer.waitForLines(messages.length);
      expect(lines).toEqual(messages.map((m) => quotedLine(Buffer.from(m))));
    });

    test('our Push sends every byte value to nanocat --pull --hex', async () => {
      const push = track(new Push());
      const { peer } = await link(push, transport, role, (addr, binds) =>
        nanocat(['--pull', ...endpointArgs(addr, binds), '--hex']),
      );
      await push.send(allBytes, { timeout: 5000 });
      await push.send(new Uint8Array(0), { timeout: 5000 });
      expect(await peer.waitForLines(2)).toEqual([hexLine(allBytes), '""']);
    });

    test('nanocat --push --data reaches our Pull', async () => {
      const pull = track(new Pull());
      await link(pull, transport, role, (addr, binds) =>
        nanocat([
          '--push',
          ...endpointArgs(addr, binds),
          '--data',
          'job:42 ✓',
          '--interval',
          '0.05',
        ]),
      );
      const got = await pull.recv({ timeout: 5000 });
      expect(got).toEqual(Buffer.from('job:42 ✓'));
    });

    test('nanocat --push --file sends raw bytes our Pull receives exactly', async () => {
      const pull = track(new Pull());
      const bytes = Buffer.concat([allBytes, randomBytes(1000)]);
      await link(pull, transport, role, (addr, binds) =>
        nanocat([
          '--push',
          ...endpointArgs(addr, binds),
          '--file',
          dataFile(bytes),
          '--interval',
          '0.05',
        ]),
      );
      const first = await pull.recv({ timeout: 5000 });
      const second = await pull.recv({ timeout: 5000 });
      expect(first.equals(bytes)).toBe(true);
      expect(second.equals(bytes)).toBe(true);
    });
  });

  test('a 512 KiB message both ways (nanocat --raw prints it unchanged)', async () => {
    const big = randomBytes(512 * 1024);
    const push = track(new Push());
    const { peer } = await link(push, transport, 'bind', (addr, binds) =>
      nanocat(['--pull', ...endpointArgs(addr, binds), '--raw']),
    );
    await push.send(big, { timeout: 5000 });
    const out = await peer.waitForBytes(big.length, 10_000);
    expect(out.length).toBe(big.length);
    expect(out.equals(big)).toBe(true);

    const pull = track(new Pull());
    await link(pull, transport, 'connect', (addr, binds) =>
      nanocat([
        '--push',
        ...endpointArgs(addr, binds),
        '--file',
        dataFile(big),
        '--interval',
        '0.2',
      ]),
    );
    const got = await pull.recv({ timeout: 10_000 });
    expect(got.length).toBe(big.length);
    expect(got.equals(big)).toBe(true);
  });

  test('message sizes survive exactly: nanocat --pull --msgpack frames each message with its length', async () => {
    const push = track(new Push());
    const { peer } = await link(push, transport, 'bind', (addr, binds) =>
      nanocat(['--pull', ...endpointArgs(addr, binds), '--msgpack']),
    );
    // bin 8, bin 16 and bin 32 framing (0xc4, 0xc5, 0xc6 + big-endian length).
    const messages = [
      randomBytes(0),
      randomBytes(255),
      randomBytes(256),
      randomBytes(65_535),
      randomBytes(65_536),
    ];
    for (const m of messages) await push.send(m, { timeout: 5000 });
    const framed = messages.map((m) => {
      const head =
        m.length < 256
          ? Buffer.from([0xc4, m.length])
          : m.length < 65_536
            ? Buffer.from([0xc5, m.length >> 8, m.length & 0xff])
            : Buffer.from([
                0xc6,
                m.length >>> 24,
                (m.length >> 16) & 0xff,
                (m.length >> 8) & 0xff,
                m.length & 0xff,
              ]);
      return Buffer.concat([head, m]);
    });
    const expected = Buffer.concat(framed);
    const out = await peer.waitForBytes(expected.length, 10_000);
    expect(out.length).toBe(expected.length);
    expect(out.equals(expected)).toBe(true);
  });

  test('our Push load-balances between two nanocat --pull peers', async () => {
    const push = track(new Push());
    const { peer: a, address } = await link(push, transport, 'bind', (addr, binds) =>
      nanocat(['--pull', ...endpointArgs(addr, binds), '--ascii']),
    );
    const b = nanocat(['--pull', '--connect', address, '--ascii']);
    // Both must be connected first, or the first one takes everything.
    await waitUntil('both pullers connected', () => push.statistics().currentConnections === 2);
    const sent = Array.from({ length: 20 }, (_, i) => `task-${i}`);
    for (const m of sent) await push.send(m, { timeout: 5000 });
    await waitUntil('20 tasks printed', () => a.lines().length + b.lines().length >= sent.length);
    expect(a.lines().length).toBeGreaterThan(0);
    expect(b.lines().length).toBeGreaterThan(0);
    expect([...a.lines(), ...b.lines()].sort()).toEqual([...sent].sort());
    // Each puller gets its share in the order it was sent.
    for (const lines of [a.lines(), b.lines()]) {
      expect(lines).toEqual([...lines].sort((x, y) => sent.indexOf(x) - sent.indexOf(y)));
    }
  });
});
