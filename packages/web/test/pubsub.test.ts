// PUB/SUB across the boundary: the web Sub against the Node.js Pub (both
// frame types), the web Pub against the Node.js Sub.
import { Pub as NodePub, Sub as NodeSub } from '@nanomsg-ts/pubsub';
import {
  codeOf,
  pattern,
  sleep,
  thrown,
  untilDelivered,
  useTracked,
  waitFor,
} from '@nanomsg-ts/testkit';
import { describe, expect, test } from 'vitest';
import { Pub, Sub } from '../src/index.js';
import { bindWs, connected, sameBytes, text } from './peers.js';

const track = useTracked();

describe('Node.js Pub -> web Sub', () => {
  test.each(['binary', 'text'] as const)(
    'subscriptions filter on our side (%s frames, UTF-8 text)',
    async (type) => {
      const pub = track(new NodePub({ wsMessageType: type }));
      const url = bindWs(pub);
      const sub = track(new Sub({ subscribe: ['wé.'] }));
      sub.connect(url);
      await connected(sub);
      const got: string[] = [];
      void (async () => {
        for await (const m of sub) got.push(text(m));
      })();
      await untilDelivered(
        async () => {
          await pub.send('other.x');
          await pub.send('wé.ther');
        },
        () => got.length > 0,
      );
      expect(new Set(got)).toEqual(new Set(['wé.ther']));
    },
  );

  test('a new Sub receives nothing; subscribe() takes everything; unsubscribe undoes one subscribe', async () => {
    const pub = track(new NodePub());
    const url = bindWs(pub);
    const sub = track(new Sub());
    sub.connect(url);
    await connected(sub);
    await sleep(50);
    await pub.send('ignored');
    await sleep(50);
    expect(sub.tryRecv()).toBeUndefined();
    sub.subscribe();
    await untilDelivered(
      () => pub.send('every'),
      () => sub.tryRecv() !== undefined,
    );
    sub.subscribe('a');
    sub.unsubscribe();
    await pub.send('b-not');
    await pub.send('a-yes');
    // Copies of 'every' sent before the first arrived may still be queued.
    let next = text(await sub.recv({ timeout: 2000 }));
    while (next === 'every') next = text(await sub.recv({ timeout: 2000 }));
    expect(next).toBe('a-yes');
    expect(codeOf(thrown(() => sub.unsubscribe('zz')))).toBe('EINVAL');
  });

  test('0 B and 1 MiB messages byte-exact', async () => {
    const pub = track(new NodePub());
    const url = bindWs(pub);
    const sub = track(new Sub({ subscribe: [''] }));
    sub.connect(url);
    await connected(sub);
    await untilDelivered(
      () => pub.send(new Uint8Array(0)),
      () => sub.tryRecv()?.byteLength === 0,
    );
    const big = pattern(1024 * 1024);
    await pub.send(big);
    await waitFor(() => {
      const m = sub.tryRecv();
      return m !== undefined && m.byteLength > 0 && sameBytes(m, big);
    }, 'the 1 MiB message');
  });

  test('a full receive buffer drops what arrives, and counts it', async () => {
    const pub = track(new NodePub());
    const url = bindWs(pub);
    const sub = track(new Sub({ subscribe: [''], receiveBufferSize: 1000 }));
    sub.connect(url);
    await connected(sub);
    await untilDelivered(
      () => pub.send('first'),
      () => sub.statistics().messagesReceived > 0,
    );
    for (let i = 0; i < 20; i++) await pub.send(new Uint8Array(100));
    await waitFor(() => sub.statistics().messagesReceived >= 21, 'the burst');
    let kept = 0;
    while (sub.tryRecv() !== undefined) kept++;
    expect(kept).toBeLessThan(21);
    expect(sub.statistics().messagesDropped).toBe(sub.statistics().messagesReceived - kept);
  });
});

describe('web Pub -> Node.js Sub', () => {
  test('every message to every connected subscriber; nothing connected: goes nowhere', async () => {
    const subs = [
      track(new NodeSub({ subscribe: [''] })),
      track(new NodeSub({ subscribe: ['x'] })),
    ];
    const pub = track(new Pub());
    expect(await pub.trySend('nobody')).toBe(false);
    for (const s of subs) pub.connect(bindWs(s));
    await connected(pub, 2);
    await pub.send('x1');
    await pub.send('y1');
    expect(String(await subs[0]!.recv({ timeout: 2000 }))).toBe('x1');
    expect(String(await subs[0]!.recv({ timeout: 2000 }))).toBe('y1');
    expect(String(await subs[1]!.recv({ timeout: 2000 }))).toBe('x1');
    expect(subs[1]!.tryRecv()).toBeUndefined();
  });
});
