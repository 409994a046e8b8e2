// Our Rep serving a REQ client written in Perl with NanoMsg::Raw
// (testing/perl/req.pl), over ipc, tcp and ws, with our socket binding and
// connecting.
import { describe, expect, test } from 'vitest';
import { Rep } from '@nanomsg-ts/reqrep';
// nc: peer processes (here perl) and the interop transports.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

/** Request `i` of the client called `name`, as req.pl builds it. */
function expectedRequest(name: string, i: number): Buffer {
  const tail = Buffer.from(Array.from({ length: 256 }, (_, k) => (i * 7 + k) % 256));
  return Buffer.concat([Buffer.from(`${name}-${i}:`), tail]);
}

/** Our answer to a request: "re:" and the request's bytes reversed. */
function answer(request: Buffer): Buffer {
  return Buffer.concat([Buffer.from('re:'), Buffer.from(request).reverse()]);
}

/** Answers every request until the socket is closed; records them. */
function serve(rep: Rep): { seen: Buffer[]; done: Promise<void> } {
  const seen: Buffer[] = [];
  const done = (async () => {
    for await (const request of rep) {
      seen.push(request);
      await rep.send(answer(request)).catch((error: unknown) => {
        if (!rep.closed) throw error;
      });
    }
  })();
  return { seen, done };
}

/** Checks req.pl's output: "ready", then "i REQUEST-HEX REPLY-HEX" per request. */
function checkClientOutput(lines: string[], name: string, count: number): void {
  expect(lines[0]).toBe('ready');
  expect(lines).toHaveLength(count + 1);
  for (let i = 0; i < count; i++) {
    const request = expectedRequest(name, i);
    expect(lines[i + 1]).toBe(`${i} ${request.toString('hex')} ${answer(request).toString('hex')}`);
  }
}

describe.each(nc.interopTransports)(
  'a Perl NanoMsg::Raw REQ client and our Rep over %s',
  (transport) => {
    test.each(nc.roles)('our Rep calls %s and answers every request', async (role) => {
      const rep = track(new Rep());
      const count = 5;
      const { peer } = await nc.link(
        rep,
        transport,
        role,
        nc.perlAt('req.pl', String(count), 'perl'),
      );
      const { seen, done } = serve(rep);
      expect(await peer.waitForExit(10_000)).toEqual({ code: 0, signal: null });
      checkClientOutput(peer.lines(), 'perl', count);
      expect(seen.map((b) => b.toString('hex'))).toEqual(
        Array.from({ length: count }, (_, i) => expectedRequest('perl', i).toString('hex')),
      );
      await rep.close();
      await done;
    });

    test('three Perl clients at once each get the replies to their own requests', async () => {
      const rep = track(new Rep());
      const address = nc.bindAny(rep, transport).address;
      const names = ['p1', 'p2', 'p3'];
      const count = 20;
      const peers = names.map((name) => nc.perlAt('req.pl', String(count), name)(address, false));
      const { seen, done } = serve(rep);
      for (const [k, peer] of peers.entries()) {
        expect(await peer.waitForExit(10_000)).toEqual({ code: 0, signal: null });
        checkClientOutput(peer.lines(), names[k]!, count);
      }
      expect(seen).toHaveLength(names.length * count);
      // Each client's requests arrive in its own order.
      for (const name of names) {
        const mine = seen.filter((b) => b.subarray(0, name.length + 1).toString() === `${name}-`);
        expect(mine.map((b) => b.toString('hex'))).toEqual(
          Array.from({ length: count }, (_, i) => expectedRequest(name, i).toString('hex')),
        );
      }
      await rep.close();
      await done;
    });
  },
);
