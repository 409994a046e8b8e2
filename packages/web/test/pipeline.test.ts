// PUSH/PULL across the boundary, and PAIR and BUS, both ways.
import { Bus as NodeBus } from '@nanomsg-ts/bus';
import { Pair as NodePair } from '@nanomsg-ts/pair';
import { Pull as NodePull, Push as NodePush } from '@nanomsg-ts/pipeline';
import { codeOf, pattern, rejection, sleep, useTracked, waitFor } from '@nanomsg-ts/testkit';
import { describe, expect, test } from 'vitest';
import { Bus, Pair, Pull, Push } from '../src/index.js';
import { bindWs, connected, sameBytes, text } from './peers.js';

const track = useTracked();

describe('PUSH/PULL', () => {
  test('web Push -> Node.js Pulls: round-robin; send waits while nothing is connected', async () => {
    const pulls = [track(new NodePull()), track(new NodePull())];
    const push = track(new Push());
    const early = push.send('waited'); // no connection yet
    await sleep(30);
    for (const p of pulls) push.connect(bindWs(p));
    await early;
    await connected(push, 2);
    for (let i = 0; i < 10; i++) await push.send(`m${i}`);
    const counts = [0, 0];
    await waitFor(() => {
      pulls.forEach((p, i) => {
        while (p.tryRecv() !== undefined) counts[i]!++;
      });
      return counts[0]! + counts[1]! === 11;
    }, 'all 11 messages');
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(1);
  });

  test('send times out with ETIMEDOUT, aborts with the reason, and a closed socket is EBADF', async () => {
    const push = track(new Push({ sendTimeout: 30 }));
    expect(codeOf(await rejection(push.send('x')))).toBe('ETIMEDOUT');
    const controller = new AbortController();
    const aborted = rejection(push.send('x', { timeout: -1, signal: controller.signal }));
    controller.abort(new Error('stop'));
    expect((await aborted).message).toBe('stop');
    const pending = rejection(push.send('x', { timeout: -1 }));
    await push.close();
    expect((await pending).code).toBe('EBADF');
    expect(codeOf(await rejection(push.send('x')))).toBe('EBADF');
  });

  test.each(['binary', 'text'] as const)(
    'Node.js Push (%s frames) -> web Pull, in order, byte-exact',
    async (type) => {
      const push = track(new NodePush({ wsMessageType: type }));
      const pull = track(new Pull());
      pull.connect(bindWs(push));
      await connected(pull);
      for (let i = 0; i < 50; i++) await push.send(`n${i} é`);
      for (let i = 0; i < 50; i++) expect(text(await pull.recv({ timeout: 2000 }))).toBe(`n${i} é`);
    },
  );

  test('Node.js Push -> web Pull, 0 B and 1 MiB', async () => {
    const push = track(new NodePush());
    const pull = track(new Pull());
    pull.connect(bindWs(push));
    await push.send(new Uint8Array(0));
    await push.send(pattern(1024 * 1024));
    expect((await pull.recv({ timeout: 5000 })).byteLength).toBe(0);
    expect(sameBytes(await pull.recv({ timeout: 5000 }), pattern(1024 * 1024))).toBe(true);
  });

  test('a message above receiveMaxSize drops the connection, which comes back', async () => {
    const push = track(new NodePush());
    const pull = track(new Pull({ receiveMaxSize: 1000, reconnectInterval: 20 }));
    pull.connect(bindWs(push));
    await connected(pull);
    await push.send(new Uint8Array(2000));
    await waitFor(() => pull.statistics().brokenConnections === 1, 'the connection dropped');
    await connected(pull);
    await push.send('small');
    expect(text(await pull.recv({ timeout: 2000 }))).toBe('small');
  });
});

describe('PAIR', () => {
  test.each(['binary', 'text'] as const)(
    'both ways with a Node.js Pair sending %s frames',
    async (type) => {
      const node = track(new NodePair({ wsMessageType: type }));
      const pair = track(new Pair());
      pair.connect(bindWs(node));
      await pair.send('to node ✓');
      expect(String(await node.recv({ timeout: 2000 }))).toBe('to node ✓');
      await node.send('to web ✓');
      expect(text(await pair.recv({ timeout: 2000 }))).toBe('to web ✓');
      await pair.send(pattern(1024 * 1024));
      expect(sameBytes(await node.recv({ timeout: 5000 }), pattern(1024 * 1024))).toBe(true);
      await pair.send(new Uint8Array(0));
      expect((await node.recv({ timeout: 2000 })).byteLength).toBe(0);
    },
  );
});

describe('BUS', () => {
  test('a web Bus hears every Node.js Bus, and each hears it', async () => {
    const nodes = [track(new NodeBus()), track(new NodeBus())];
    const bus = track(new Bus());
    for (const n of nodes) bus.connect(bindWs(n));
    await connected(bus, 2);
    await bus.send('hello all');
    for (const n of nodes) expect(String(await n.recv({ timeout: 2000 }))).toBe('hello all');
    await nodes[0]!.send('from 0');
    await nodes[1]!.send('from 1');
    const got = [text(await bus.recv({ timeout: 2000 })), text(await bus.recv({ timeout: 2000 }))];
    expect(got.sort()).toEqual(['from 0', 'from 1']);
  });
});
