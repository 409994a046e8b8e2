// Req and Rep against the C reference tool nanocat (nanomsg-utils), over ipc,
// tcp and ws, with our socket binding and connecting.
import { describe, expect, test } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

describe.each(nc.interopTransports)('REQ/REP with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('our Req gets the replies of nanocat --rep --data', async () => {
      const req = track(new Req());
      const start = nc.nanocatAt('--rep', '--data', 'pong "c"', '--quoted');
      const { peer } = await nc.link(req, transport, role, start);
      const requests = ['ping 0', 'ping 1\n', 'ping\\2'];
      for (const r of requests) {
        const reply = await req.request(r, { timeout: 5000 });
        expect(reply).toEqual(Buffer.from('pong "c"'));
      }
      expect(await peer.waitForLines(requests.length)).toEqual(
        requests.map((r) => nc.quotedLine(Buffer.from(r))),
      );
    });

    test('our Req sends every byte value; nanocat --rep --file replies with bytes', async () => {
      const req = track(new Req());
      const answer = Buffer.from(nc.allBytes).reverse();
      const start = nc.nanocatAt('--rep', '--file', nc.dataFile(answer), '--hex');
      const { peer } = await nc.link(req, transport, role, start);
      const reply = await req.request(nc.allBytes, { timeout: 5000 });
      expect(reply.equals(answer)).toBe(true);
      expect(await peer.waitForLines(1)).toEqual([nc.hexLine(nc.allBytes)]);
    });

    test('nanocat --req --data gets our Rep reply, then exits by itself', async () => {
      const rep = track(new Rep());
      const start = nc.nanocatAt('--req', '--data', 'what time?', '--quoted');
      const { peer } = await nc.link(rep, transport, role, start);
      const request = await rep.recv({ timeout: 5000 });
      expect(request).toEqual(Buffer.from('what time?'));
      await rep.send('half past "nine"', { timeout: 5000 });
      // One request, one reply: nanocat prints it and ends (its next recv is EFSM).
      expect(await peer.waitForLines(1)).toEqual([nc.quotedLine(Buffer.from('half past "nine"'))]);
      expect(await peer.waitForExit()).toEqual({ code: 0, signal: null });
    });

    test('nanocat --req --file sends bytes; our Rep echoes them back (--hex)', async () => {
      const rep = track(new Rep());
      const start = nc.nanocatAt('--req', '--file', nc.dataFile(nc.allBytes), '--hex');
      const { peer } = await nc.link(rep, transport, role, start);
      const request = await rep.recv({ timeout: 5000 });
      expect(request.equals(nc.allBytes)).toBe(true);
      await rep.send(Buffer.concat([request, Buffer.from('!')]), { timeout: 5000 });
      expect(await peer.waitForLines(1)).toEqual([
        nc.hexLine(Buffer.concat([nc.allBytes, Buffer.from('!')])),
      ]);
      expect((await peer.waitForExit()).code).toBe(0);
    });
  });

  test('our Rep answers several nanocat --req clients, each with its own reply', async () => {
    const rep = track(new Rep());
    const clients = ['alpha', 'beta', 'gamma'];
    const address = nc.bindAny(rep, transport).address;
    const peers = clients.map((name) => nc.nanocatTo(address, '--req', '--data', name, '--quoted'));
    for (let i = 0; i < clients.length; i++) {
      const request = (await rep.recv({ timeout: 5000 })).toString();
      expect(clients).toContain(request);
      await rep.send(`hello ${request}`, { timeout: 5000 });
    }
    for (const [i, peer] of peers.entries()) {
      expect(await peer.waitForLines(1)).toEqual([`"hello ${clients[i]}"`]);
      expect((await peer.waitForExit()).code).toBe(0);
    }
  });

  test('our Req resends after resendInterval: nanocat --rep sees the request again', async () => {
    // A REP that never answers (no --data) just prints requests: with a short
    // resendInterval the library sends the same request again.
    const req = track(new Req({ resendInterval: 100 }));
    const { peer } = await nc.link(req, transport, 'connect', nc.nanocatAt('--rep', '--quoted'));
    const pending = req.request('again?', { timeout: 600 });
    pending.catch(() => {});
    const lines = await peer.waitForLines(3);
    expect(lines.slice(0, 3)).toEqual(['"again?"', '"again?"', '"again?"']);
    await expect(pending).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
