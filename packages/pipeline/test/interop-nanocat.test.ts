// Push and Pull against the C reference tool nanocat (nanomsg-utils), over
// ipc, tcp and ws, with our socket binding and connecting, in both directions.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Pull, Push } from '@nanomsg-ts/pipeline';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

describe.each(nc.interopTransports)('pipeline with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('our Push sends text and bytes to nanocat --pull, in order', async () => {
      const push = track(new Push());
      const { peer } = await nc.link(push, transport, role, nc.nanocatAt('--pull', '--quoted'));
      const messages = [
        'first',
        'say "hi"\\',
        'two\nlines\r',
        Buffer.from([0x00, 0x01, 0x7f, 0x20, 0x41]),
      ];
      for (const m of messages) await push.send(m, { timeout: 5000 });
      const lines = await peer.waitForLines(messages.length);
      expect(lines).toEqual(messages.map((m) => nc.quotedLine(Buffer.from(m))));
    });

    test('our Push sends every byte value to nanocat --pull --hex', async () => {
      const push = track(new Push());
      const { peer } = await nc.link(push, transport, role, nc.nanocatAt('--pull', '--hex'));
      await push.send(nc.allBytes, { timeout: 5000 });
      await push.send(new Uint8Array(0), { timeout: 5000 });
      expect(await peer.waitForLines(2)).toEqual([nc.hexLine(nc.allBytes), '""']);
    });

    test('nanocat --push --data reaches our Pull', async () => {
      const pull = track(new Pull());
      const start = nc.nanocatAt('--push', '--data', 'job:42 ✓', '--interval', '0.05');
      await nc.link(pull, transport, role, start);
      const got = await pull.recv({ timeout: 5000 });
      expect(got).toEqual(Buffer.from('job:42 ✓'));
    });

    test('nanocat --push --file sends raw bytes our Pull receives exactly', async () => {
      const pull = track(new Pull());
      const bytes = Buffer.concat([nc.allBytes, randomBytes(1000)]);
      const start = nc.nanocatAt('--push', '--file', nc.dataFile(bytes), '--interval', '0.05');
      await nc.link(pull, transport, role, start);
      const first = await pull.recv({ timeout: 5000 });
      const second = await pull.recv({ timeout: 5000 });
      expect(first.equals(bytes)).toBe(true);
      expect(second.equals(bytes)).toBe(true);
    });
  });

  test('a 512 KiB message both ways (nanocat --raw prints it unchanged)', async () => {
    const big = randomBytes(512 * 1024);
    const push = track(new Push());
    const { peer } = await nc.link(push, transport, 'bind', nc.nanocatAt('--pull', '--raw'));
    await push.send(big, { timeout: 5000 });
    const out = await peer.waitForBytes(big.length, 10_000);
    expect(out.length).toBe(big.length);
    expect(out.equals(big)).toBe(true);

    const pull = track(new Pull());
    const start = nc.nanocatAt('--push', '--file', nc.dataFile(big), '--interval', '0.2');
    await nc.link(pull, transport, 'connect', start);
    const got = await pull.recv({ timeout: 10_000 });
    expect(got.length).toBe(big.length);
    expect(got.equals(big)).toBe(true);
  });

  test('message sizes survive exactly: nanocat --pull --msgpack frames each message with its length', async () => {
    const push = track(new Push());
    const { peer } = await nc.link(push, transport, 'bind', nc.nanocatAt('--pull', '--msgpack'));
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
    const start = nc.nanocatAt('--pull', '--ascii');
    const { peer: a, address } = await nc.link(push, transport, 'bind', start);
    const b = start(address, false);
    // Both must be connected first, or the first one takes everything.
    await nc.waitFor(() => push.statistics().currentConnections === 2, 'both pullers connected');
    const sent = Array.from({ length: 20 }, (_, i) => `task-${i}`);
    for (const m of sent) await push.send(m, { timeout: 5000 });
    await nc.waitFor(() => a.lines().length + b.lines().length >= sent.length, '20 tasks printed');
    expect(a.lines().length).toBeGreaterThan(0);
    expect(b.lines().length).toBeGreaterThan(0);
    expect([...a.lines(), ...b.lines()].sort()).toEqual([...sent].sort());
    // Each puller gets its share in the order it was sent.
    for (const lines of [a.lines(), b.lines()]) {
      expect(lines).toEqual([...lines].sort((x, y) => sent.indexOf(x) - sent.indexOf(y)));
    }
  });
});
