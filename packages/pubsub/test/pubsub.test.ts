import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Pub, Sub } from '@nanomsg-ts/pubsub';
import { bindAny, connections, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

/** Publishes `probe` until `sub` receives something, then drains what came. */
async function settle(pub: Pub, subs: Sub[]): Promise<void> {
  for (const sub of subs) await connections(sub, 1);
  await connections(pub, subs.length);
  await sleep(20);
}

function drain(sub: Sub): string[] {
  const out: string[] = [];
  for (let m = sub.tryRecv(); m !== undefined; m = sub.tryRecv()) out.push(String(m));
  return out;
}

async function collect(sub: Sub, n: number, within = 3000): Promise<string[]> {
  const out: string[] = [];
  const end = Date.now() + within;
  while (out.length < n && Date.now() < end) {
    out.push(...drain(sub));
    if (out.length < n) await sleep(5);
  }
  return out;
}

describe.each(transports)('pub/sub over %s', (transport) => {
  it('delivers to every subscriber, from every publisher (two and two)', async () => {
    const sub1 = sockets.add(new Sub({ subscribe: [''] }));
    const sub2 = sockets.add(new Sub({ subscribe: [''] }));
    const addr1 = bindAny(sub1, transport).address;
    const addr2 = bindAny(sub2, transport).address;
    const pub1 = sockets.add(new Pub());
    const pub2 = sockets.add(new Pub());
    for (const pub of [pub1, pub2]) {
      pub.connect(addr1);
      pub.connect(addr2);
    }
    await connections(pub1, 2);
    await connections(pub2, 2);
    await connections(sub1, 2);
    await connections(sub2, 2);
    await sleep(20);
    await pub1.send('one');
    await pub2.send('two');
    for (const sub of [sub1, sub2]) expect((await collect(sub, 2)).sort()).toEqual(['one', 'two']);
  });

  it('filters by prefix, with strings and bytes', async () => {
    const pub = sockets.add(new Pub());
    const addr = bindAny(pub, transport).address;
    const sub = sockets.add(new Sub());
    sub.subscribe('weather.');
    sub.subscribe(new Uint8Array([0xff, 0x00]));
    sub.connect(addr);
    await settle(pub, [sub]);
    await pub.send('news.today');
    await pub.send('weather.paris 21C');
    await pub.send(Buffer.from([0xff, 0x00, 0x41]));
    await pub.send(Buffer.from([0xff, 0x01]));
    await pub.send('weather');
    const got = await collect(sub, 2);
    await sleep(50);
    got.push(...drain(sub));
    expect(got).toEqual(['weather.paris 21C', Buffer.from([0xff, 0x00, 0x41]).toString()]);
  });

  it('stops delivering a topic after unsubscribe', async () => {
    const pub = sockets.add(new Pub());
    const addr = bindAny(pub, transport).address;
    const sub = sockets.add(new Sub({ subscribe: ['a', 'b'] }));
    sub.connect(addr);
    await settle(pub, [sub]);
    await pub.send('a1');
    await pub.send('b1');
    expect(await collect(sub, 2)).toEqual(['a1', 'b1']);
    sub.unsubscribe('a');
    await sleep(20);
    await pub.send('a2');
    await pub.send('b2');
    expect(await collect(sub, 1)).toEqual(['b2']);
    await sleep(50);
    expect(drain(sub)).toEqual([]);
  });

  it('gives a new Sub no subscription, and subscribe() with no argument everything', async () => {
    const pub = sockets.add(new Pub());
    const addr = bindAny(pub, transport).address;
    const none = sockets.add(new Sub());
    const all = sockets.add(new Sub());
    all.subscribe();
    none.connect(addr);
    all.connect(addr);
    await settle(pub, [none, all]);
    await pub.send('x');
    await pub.send('');
    expect(await collect(all, 2)).toEqual(['x', '']);
    await sleep(50);
    expect(drain(none)).toEqual([]);
  });
});

describe('Sub subscriptions', () => {
  it('rejects a topic of the wrong type before the library sees it', () => {
    const sub = sockets.add(new Sub());
    expect(() => sub.subscribe(42 as unknown as string)).toThrow(TypeError);
    expect(() => new Sub({ subscribe: 'a' as unknown as string[] })).toThrow(TypeError);
    expect(() => new Sub({ subscribe: [null as unknown as string] })).toThrow(TypeError);
  });

  // libnanomsg 1.1.5 crashes unsubscribing on a SUB with no subscription and
  // ignores an unknown topic otherwise: the binding answers EINVAL for both.
  it.each([[[]], [['a']], [['']]])(
    'rejects unsubscribing a topic never subscribed (subscribed: %j)',
    (topics) => {
      const sub = sockets.add(new Sub({ subscribe: topics }));
      let error: unknown;
      try {
        sub.unsubscribe('never');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NanomsgError);
      expect((error as NanomsgError).code).toBe('EINVAL');
      expect((error as NanomsgError).syscall).toBe('nn_setsockopt');
    },
  );

  it('rejects unsubscribing twice, and allows subscribing again', () => {
    const sub = sockets.add(new Sub({ subscribe: ['t'] }));
    sub.unsubscribe('t');
    expect(() => sub.unsubscribe('t')).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    sub.subscribe(Buffer.from('t'));
    sub.unsubscribe(new TextEncoder().encode('t'));
  });

  it('drops messages fetched ahead that no longer match after unsubscribe, as the library would', async () => {
    const pub = sockets.add(new Pub());
    const sub = sockets.add(new Sub({ subscribe: ['a', 'b'] }));
    sub.connect(bindAny(pub, 'inproc').address);
    for (const m of ['a1', 'b1', 'a2', 'b2', 'a3']) await pub.send(m);
    expect(String(await sub.recv({ timeout: 2000 }))).toBe('a1');
    sub.unsubscribe('b');
    expect(drain(sub)).toEqual(['a2', 'a3']);
  });

  it('lets tryRecv reach matching messages queued behind filtered ones', async () => {
    const pub = sockets.add(new Pub());
    const sub = sockets.add(new Sub({ subscribe: ['b'] }));
    sub.connect(bindAny(pub, 'inproc').address);
    for (const m of ['a1', 'a2', 'b1', 'a3', 'b2']) await pub.send(m);
    await sleep(20);
    expect(drain(sub)).toEqual(['b1', 'b2']);
  });

  it('never blocks a publisher on a subscriber that does not read', async () => {
    const pub = sockets.add(new Pub());
    const addr = bindAny(pub, 'ipc').address;
    const slow = sockets.add(new Sub({ subscribe: [''], receiveBufferSize: 4096 }));
    slow.connect(addr);
    await settle(pub, [slow]);
    const started = Date.now();
    for (let i = 0; i < 5000; i++) await pub.send(Buffer.alloc(1024));
    expect(Date.now() - started).toBeLessThan(10_000);
    // The subscriber got at most its buffers' worth; the rest was dropped.
    const got = drain(slow).length;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(5000);
  });
});
