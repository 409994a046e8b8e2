// Concurrent sockets are ordinary peers on the wire: our concurrent Req
// against our cooked Rep, nanocat --rep and a Perl NanoMsg::Raw REP
// (testing/kit/perl/rep.pl); nanocat --req and Perl REQ clients (req.pl)
// against our concurrent Rep's serve. Over ipc and tcp.
import { randomInt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
// nc: peer processes (nanocat, perl) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

/** `n` distinct requests, with bytes that nanocat --quoted and hex show plainly. */
const requests = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => Buffer.from(`${tag}-${i}-${randomInt(1e9)}`));

/** `n` requests at once on `req`. */
const all = (req: Req, bodies: readonly Buffer[]) =>
  Promise.all(bodies.map((b) => req.request(b, { timeout: 10_000 })));

describe.each(['ipc', 'tcp'] as const)('over %s', (transport) => {
  test('our concurrent Req gets its own reply to each of 300 requests from our cooked Rep', async () => {
    const rep = track(new Rep());
    const req = track(new Req({ concurrent: true }));
    req.connect(nc.bindAny(rep, transport).address);
    void rep.serve((r) => Buffer.concat([Buffer.from('cooked:'), r]));
    const bodies = requests(300, 'own');
    const replies = await all(req, bodies);
    for (const [i, reply] of replies.entries()) {
      expect(String(reply)).toBe(`cooked:${String(bodies[i])}`);
    }
  });

  test('our concurrent Req resends each request on its own: nanocat --rep (never answering) sees each again', async () => {
    const req = track(new Req({ concurrent: true, resendInterval: 100 }));
    const { peer } = await nc.link(req, transport, 'connect', nc.nanocatAt('--rep', '--quoted'));
    const bodies = requests(3, 'again');
    const pending = bodies.map((b) => req.request(b, { timeout: 700 }));
    const quoted = bodies.map((b) => nc.quotedLine(b));
    const times = (line: string) => peer.lines().filter((l) => l === line).length;
    await peer.waitFor(
      'every request twice',
      () => quoted.every((q) => times(q) >= 2) || undefined,
    );
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(peer.lines().every((l) => quoted.includes(l))).toBe(true);
  });

  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('our concurrent Req: nanocat --rep --data answers each of 100 requests at once, and sees each once', async () => {
      const req = track(new Req({ concurrent: true }));
      const start = nc.nanocatAt('--rep', '--data', 'pong', '--quoted');
      const { peer } = await nc.link(req, transport, role, start);
      const bodies = requests(100, 'nanocat');
      const replies = await all(req, bodies);
      expect(new Set(replies.map(String))).toEqual(new Set(['pong']));
      const lines = await peer.waitForLines(bodies.length);
      expect([...lines].sort()).toEqual(bodies.map((b) => nc.quotedLine(b)).sort());
    });

    test('our concurrent Req: a Perl REP answers each of 100 requests at once with its own reply', async () => {
      const req = track(new Req({ concurrent: true }));
      const bodies = requests(100, 'perl');
      const start = nc.perlAt('rep.pl', String(bodies.length), 'perl');
      const { peer } = await nc.link(req, transport, role, start);
      const replies = await all(req, bodies);
      for (const [i, reply] of replies.entries()) {
        expect(String(reply)).toBe(`perl:${String(bodies[i])}`);
      }
      expect(await peer.waitForExit(10_000)).toEqual({ code: 0, signal: null });
      const [ready, ...seen] = peer.lines();
      expect(ready).toBe('ready');
      expect(seen.sort()).toEqual(bodies.map((b) => b.toString('hex')).sort());
    });

    test('our concurrent Rep serves nanocat --req clients, each its own reply', async () => {
      const rep = track(new Rep({ concurrent: true }));
      const names = ['alpha', 'beta', 'gamma', 'delta'];
      void rep.serve(async (r) => {
        await nc.sleep(randomInt(20));
        return `hello ${String(r)}`;
      });
      let peers: nc.Peer[];
      if (role === 'bind') {
        const address = nc.bindAny(rep, transport).address;
        peers = names.map((name) => nc.nanocatTo(address, '--req', '--data', name, '--quoted'));
      } else {
        // Each client binds its own address; our Rep connects to all of them.
        peers = [];
        for (const name of names) {
          const bound = await nc.bindPeer(
            transport,
            nc.nanocatAt('--req', '--data', name, '--quoted'),
          );
          rep.connect(bound.address);
          peers.push(bound.peer);
        }
      }
      for (const [i, peer] of peers.entries()) {
        expect(await peer.waitForLines(1)).toEqual([`"hello ${names[i]}"`]);
        expect((await peer.waitForExit()).code).toBe(0);
      }
    });
  });

  test('our concurrent Rep serves three Perl REQ clients at once, each the replies to its own requests', async () => {
    const rep = track(new Rep({ concurrent: true }));
    const address = nc.bindAny(rep, transport).address;
    const answer = (r: Buffer) => Buffer.concat([Buffer.from('re:'), Buffer.from(r).reverse()]);
    let served = 0;
    void rep.serve(async (r) => {
      await nc.sleep(randomInt(5));
      served++;
      return answer(r);
    });
    const names = ['p1', 'p2', 'p3'];
    const count = 20;
    const peers = names.map((name) => nc.perlAt('req.pl', String(count), name)(address, false));
    for (const [k, peer] of peers.entries()) {
      expect(await peer.waitForExit(15_000)).toEqual({ code: 0, signal: null });
      const lines = peer.lines();
      expect(lines[0]).toBe('ready');
      expect(lines).toHaveLength(count + 1);
      for (let i = 0; i < count; i++) {
        // req.pl's request i: "NAME-i:" then 256 bytes (i * 7 + k) % 256.
        const tail = Buffer.from(Array.from({ length: 256 }, (_, j) => (i * 7 + j) % 256));
        const request = Buffer.concat([Buffer.from(`${names[k]}-${i}:`), tail]);
        expect(lines[i + 1]).toBe(
          `${i} ${request.toString('hex')} ${answer(request).toString('hex')}`,
        );
      }
    }
    expect(served).toBe(names.length * count);
  });
});
