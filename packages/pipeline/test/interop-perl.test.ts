// Our Push feeding a PULL peer written in Perl with NanoMsg::Raw
// (testing/perl/pull.pl), over ipc, tcp and ws, with our socket binding and
// connecting.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { Push } from '@nanomsg-ts/pipeline';
import {
  allBytes,
  bindOurs,
  interopTransports,
  killPeers,
  link,
  perl,
  roles,
  waitUntil,
} from '../../../testing/nanocat.js';

const open: Push[] = [];
function push(): Push {
  const p = new Push();
  open.push(p);
  return p;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.each(interopTransports)(
  'a Perl NanoMsg::Raw PULL peer and our Push over %s',
  (transport) => {
    test.each(roles)(
      'our Push calls %s; every message arrives intact and in order',
      async (role) => {
        const ours = push();
        const messages: Array<string | Buffer> = [
          'hello from TypeScript',
          Buffer.alloc(0),
          allBytes,
          'ünïcödé ✓',
          new Uint8Array([0xff, 0x00, 0xfe]) as Buffer,
          randomBytes(64 * 1024),
        ];
        const { peer } = await link(ours, transport, role, (addr, binds) =>
          perl('pull.pl', [binds ? 'bind' : 'connect', addr, String(messages.length)]),
        );
        for (const m of messages) await ours.send(m, { timeout: 10_000 });
        expect(await peer.waitForExit(10_000)).toEqual({ code: 0, signal: null });
        expect(peer.lines()).toEqual([
          'ready',
          ...messages.map((m) => Buffer.from(m).toString('hex')),
        ]);
      },
    );

    test('a 2 MiB message reaches a Perl peer that lifted NN_RCVMAXSIZE', async () => {
      const ours = push();
      const big = randomBytes(2 * 1024 * 1024);
      const { peer } = await link(ours, transport, 'bind', (addr) =>
        perl('pull.pl', ['connect', addr, '1']),
      );
      await ours.send(big, { timeout: 10_000 });
      expect(await peer.waitForExit(20_000)).toEqual({ code: 0, signal: null });
      const lines = peer.lines();
      expect(lines).toHaveLength(2);
      expect(lines[1]!.length).toBe(big.length * 2);
      expect(Buffer.from(lines[1]!, 'hex').equals(big)).toBe(true);
    });

    test('two Perl peers share our messages between them, each in order', async () => {
      const ours = push();
      const address = bindOurs(ours, transport);
      const total = 40;
      // COUNT 0: receive until killed. Both must be connected before we send.
      const peers = [
        perl('pull.pl', ['connect', address, '0']),
        perl('pull.pl', ['connect', address, '0']),
      ];
      await waitUntil(
        'both Perl peers connected',
        () => ours.statistics().currentConnections === 2,
      );
      const sent = Array.from({ length: total }, (_, i) => `job-${String(i).padStart(2, '0')}`);
      for (const m of sent) await ours.send(m, { timeout: 10_000 });
      const shares = (): string[][] =>
        peers.map((p) =>
          p
            .lines()
            .slice(1)
            .map((h) => Buffer.from(h, 'hex').toString()),
        );
      await waitUntil(`${total} messages printed`, () => shares().flat().length >= total);
      const [a, b] = shares();
      expect([...a!, ...b!].sort()).toEqual(sent);
      // Load-balanced: both got some; each got its share in the order sent.
      expect(a!.length).toBeGreaterThan(0);
      expect(b!.length).toBeGreaterThan(0);
      for (const share of [a!, b!]) expect(share).toEqual([...share].sort());
      for (const peer of peers) expect(peer.exited).toBeUndefined();
    });
  },
);
