// Our Push feeding a PULL peer written in Perl with NanoMsg::Raw
// (testing/perl/pull.pl), over ipc, tcp and ws, with our socket binding and
// connecting.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Push } from '@nanomsg-ts/pipeline';
// nc: peer processes (here perl) and the interop transports.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

describe.each(nc.interopTransports)(
  'a Perl NanoMsg::Raw PULL peer and our Push over %s',
  (transport) => {
    test.each(nc.roles)(
      'our Push calls %s; every message arrives intact and in order',
      async (role) => {
        const ours = track(new Push());
        const messages: Array<string | Buffer> = [
          'hello from TypeScript',
          Buffer.alloc(0),
          nc.allBytes,
          'ünïcödé ✓',
          new Uint8Array([0xff, 0x00, 0xfe]) as Buffer,
          randomBytes(64 * 1024),
        ];
        const start = nc.perlAt('pull.pl', String(messages.length));
        const { peer } = await nc.link(ours, transport, role, start);
        for (const m of messages) await ours.send(m, { timeout: 10_000 });
        expect(await peer.waitForExit(10_000)).toEqual({ code: 0, signal: null });
        expect(peer.lines()).toEqual([
          'ready',
          ...messages.map((m) => Buffer.from(m).toString('hex')),
        ]);
      },
    );

    test('a 2 MiB message reaches a Perl peer that lifted NN_RCVMAXSIZE', async () => {
      const ours = track(new Push());
      const big = randomBytes(2 * 1024 * 1024);
      const { peer } = await nc.link(ours, transport, 'bind', nc.perlAt('pull.pl', '1'));
      await ours.send(big, { timeout: 10_000 });
      expect(await peer.waitForExit(20_000)).toEqual({ code: 0, signal: null });
      const lines = peer.lines();
      expect(lines).toHaveLength(2);
      expect(lines[1]!.length).toBe(big.length * 2);
      expect(Buffer.from(lines[1]!, 'hex').equals(big)).toBe(true);
    });

    test('two Perl peers share our messages between them, each in order', async () => {
      const ours = track(new Push());
      const address = nc.bindAny(ours, transport).address;
      const total = 40;
      // COUNT 0: receive until killed. Both must be connected before we send.
      const puller = nc.perlAt('pull.pl', '0');
      const peers = [puller(address, false), puller(address, false)];
      await nc.waitFor(
        () => ours.statistics().currentConnections === 2,
        'both Perl peers connected',
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
      await nc.waitFor(() => shares().flat().length >= total, `${total} messages printed`);
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
