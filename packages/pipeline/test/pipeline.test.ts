import { afterEach, describe, expect, it } from 'vitest';
import { Pull, Push } from '@nanomsg-ts/pipeline';
import { bindAny, connections, settledWithin, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

describe.each(transports)('pipeline over %s', (transport) => {
  it('delivers pushed messages to a puller in order', async () => {
    const push = sockets.add(new Push());
    const pull = sockets.add(new Pull());
    const addr = bindAny(pull, transport).address;
    push.connect(addr);
    for (let i = 0; i < 100; i++) await push.send(`m${i}`);
    const got: string[] = [];
    for await (const m of pull) {
      got.push(String(m));
      if (got.length === 100) break;
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  });

  it('load-balances among pullers round robin', async () => {
    const push = sockets.add(new Push());
    const addr = bindAny(push, transport).address;
    const a = sockets.add(new Pull());
    const b = sockets.add(new Pull());
    a.connect(addr);
    b.connect(addr);
    await connections(push, 2);
    for (let i = 0; i < 20; i++) await push.send(`job${i}`);
    const fromA: string[] = [];
    const fromB: string[] = [];
    const deadline = Date.now() + 3000;
    while (fromA.length + fromB.length < 20 && Date.now() < deadline) {
      for (let m = a.tryRecv(); m !== undefined; m = a.tryRecv()) fromA.push(String(m));
      for (let m = b.tryRecv(); m !== undefined; m = b.tryRecv()) fromB.push(String(m));
      await sleep(5);
    }
    expect(fromA).toHaveLength(10);
    expect(fromB).toHaveLength(10);
    expect([...fromA, ...fromB].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `job${i}`).sort(),
    );
  });

  it('fair-queues messages from several pushers', async () => {
    const pull = sockets.add(new Pull());
    const addr = bindAny(pull, transport).address;
    const p1 = sockets.add(new Push());
    const p2 = sockets.add(new Push());
    p1.connect(addr);
    p2.connect(addr);
    await connections(pull, 2);
    for (let i = 0; i < 10; i++) {
      await p1.send(`a${i}`);
      await p2.send(`b${i}`);
    }
    await sleep(50);
    const got: string[] = [];
    for (let i = 0; i < 20; i++) got.push(String(await pull.recv({ timeout: 2000 })));
    // Both senders are served alternately, not one drained before the other.
    const firstFour = got.slice(0, 4).map((m) => m[0]);
    expect(firstFour.filter((c) => c === 'a').length).toBe(2);
    expect(got.filter((m) => m.startsWith('a'))).toEqual(
      Array.from({ length: 10 }, (_, i) => `a${i}`),
    );
    expect(got.filter((m) => m.startsWith('b'))).toEqual(
      Array.from({ length: 10 }, (_, i) => `b${i}`),
    );
  });

  it('sends only to the peer of the best sendPriority while it can take messages', async () => {
    const push = sockets.add(new Push());
    const high = sockets.add(new Pull());
    const low = sockets.add(new Pull());
    const highAddr = bindAny(high, transport).address;
    const lowAddr = bindAny(low, transport).address;
    push.sendPriority = 1;
    push.connect(highAddr);
    push.sendPriority = 2;
    push.connect(lowAddr);
    await connections(push, 2);
    for (let i = 0; i < 10; i++) await push.send(`p${i}`);
    await sleep(50);
    const got: string[] = [];
    for (let m = high.tryRecv(); m !== undefined; m = high.tryRecv()) got.push(String(m));
    expect(got).toHaveLength(10);
    expect(low.tryRecv()).toBeUndefined();
  });
});

describe('several pending recv on one Pull', () => {
  it('serves them in call order, one message each, and an aborted one loses nothing', async () => {
    const pull = sockets.add(new Pull());
    const push = sockets.add(new Push());
    push.connect(bindAny(pull, 'ipc').address);
    const controller = new AbortController();
    const first = pull.recv();
    const aborted = pull.recv({ signal: controller.signal });
    const second = pull.recv();
    const third = pull.recv();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    for (const m of ['a', 'b', 'c', 'd']) await push.send(m);
    expect((await Promise.all([first, second, third])).map(String)).toEqual(['a', 'b', 'c']);
    expect(String(await pull.recv({ timeout: 2000 }))).toBe('d');
  });
});

describe('push backpressure', () => {
  it('waits while no puller can take the message, and delivers it once one connects', async () => {
    const push = sockets.add(new Push());
    const addr = bindAny(push, 'ipc').address;
    const pending = push.send('waiting');
    expect(await settledWithin(pending, 100)).toBe('pending');
    const pull = sockets.add(new Pull());
    pull.connect(addr);
    expect(String(await pull.recv({ timeout: 2000 }))).toBe('waiting');
    await pending;
  });

  it('keeps every message of a burst larger than the buffers when the puller is slow', async () => {
    // (A small receiveBufferSize on the puller makes libnanomsg 1.1.5's tcp
    // transport crawl, with or without this binding, so only the sender's is small.)
    const push = sockets.add(new Push({ sendBufferSize: 4096 }));
    const pull = sockets.add(new Pull());
    const addr = bindAny(pull, 'tcp').address;
    push.connect(addr);
    const payload = Buffer.alloc(16 * 1024, 7);
    const total = 1000;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const m = Buffer.from(payload);
      m.writeUInt32BE(i, 0);
      sends.push(push.send(m));
    }
    // Nothing is read yet: most sends must still be waiting.
    const early = await settledWithin(sends[total - 1]!, 100);
    expect(early).toBe('pending');
    const seen: number[] = [];
    for await (const m of pull) {
      seen.push(m.readUInt32BE(0));
      if (seen.length % 100 === 0) await sleep(1);
      if (seen.length === total) break;
    }
    await Promise.all(sends);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
