// device(): forwarding between raw sockets on a thread of its own, its checks,
// and how it ends.
import { describe, expect, it } from 'vitest';
import { NanomsgError, Socket, device } from '@nanomsg-ts/core';
import { bindAny, rejection, sleep, state, useSockets, waitFor } from '@nanomsg-ts/testkit';

const make = useSockets();

describe('device() forwarding', () => {
  it('forwards pub/sub one way: PUB -> raw SUB | device | raw PUB -> SUB, subscriptions applied at the end', async () => {
    const pub = make('NN_PUB');
    const inbound = make('NN_SUB', { raw: true });
    const outbound = make('NN_PUB', { raw: true });
    inbound.setOption('NN_SUB_SUBSCRIBE', ''); // a raw SUB filters too: take everything
    inbound.connect(bindAny(pub, 'ipc').address);
    const outAddress = bindAny(outbound, 'tcp').address;
    const subA = make('NN_SUB');
    const subAll = make('NN_SUB');
    subA.setOption('NN_SUB_SUBSCRIBE', 'a');
    subAll.setOption('NN_SUB_SUBSCRIBE', '');
    subA.connect(outAddress);
    subAll.connect(outAddress);
    const running = rejection(device(inbound, outbound));
    // Publish a warm-up topic until both subscribers hear it (pub/sub drops
    // what is sent before a subscriber is connected).
    const warm = async (sub: Socket): Promise<void> => {
      for (;;) {
        await pub.send('a:warm');
        const got = await sub.recv({ timeout: 50 }).catch(() => undefined);
        if (got !== undefined) return;
      }
    };
    await warm(subA);
    await warm(subAll);
    await sleep(50);
    while (subA.tryRecv() !== undefined || subAll.tryRecv() !== undefined) {
      // drop the remaining warm-ups
    }
    for (const m of ['a:1', 'b:1', 'a:2', 'b:2']) await pub.send(m);
    const fromA = [
      String(await subA.recv({ timeout: 5000 })),
      String(await subA.recv({ timeout: 5000 })),
    ];
    const fromAll: string[] = [];
    for (let i = 0; i < 4; i++) fromAll.push(String(await subAll.recv({ timeout: 5000 })));
    expect(fromA).toEqual(['a:1', 'a:2']);
    expect(fromAll).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
    await sleep(50);
    expect(subA.tryRecv()).toBeUndefined(); // the b: messages were filtered out
    await outbound.close();
    expect((await running).code).toBe('EBADF');
  });

  it('argument order does not matter for a one-way device', async () => {
    const push = make('NN_PUSH');
    const inbound = make('NN_PULL', { raw: true });
    const outbound = make('NN_PUSH', { raw: true });
    const pull = make('NN_PULL');
    inbound.connect(bindAny(push, 'ipc').address);
    pull.connect(bindAny(outbound, 'ipc').address);
    const running = rejection(device(outbound, inbound));
    for (let i = 0; i < 50; i++) await push.send(`m${i}`);
    for (let i = 0; i < 50; i++) expect(String(await pull.recv({ timeout: 5000 }))).toBe(`m${i}`);
    await inbound.close();
    expect((await running).code).toBe('EBADF');
  });

  it('a loopback device on a raw BUS hub relays each message to every other node, not back to its sender', async () => {
    const hub = make('NN_BUS', { raw: true });
    const address = bindAny(hub, 'ipc').address;
    const nodes = [make('NN_BUS'), make('NN_BUS'), make('NN_BUS')];
    for (const n of nodes) n.connect(address);
    const running = rejection(device(hub));
    await waitFor(() => hub.statistics().currentConnections === 3, 'three nodes connected');
    await nodes[0]!.send('from 0');
    expect(String(await nodes[1]!.recv({ timeout: 5000 }))).toBe('from 0');
    expect(String(await nodes[2]!.recv({ timeout: 5000 }))).toBe('from 0');
    await nodes[2]!.send('from 2');
    expect(String(await nodes[0]!.recv({ timeout: 5000 }))).toBe('from 2');
    expect(String(await nodes[1]!.recv({ timeout: 5000 }))).toBe('from 2');
    await sleep(100);
    expect(nodes[0]!.tryRecv()).toBeUndefined(); // its own message did not come back
    expect(nodes[2]!.tryRecv()).toBeUndefined();
    expect(hub.statistics().messagesReceived).toBe(2);
    expect(hub.statistics().messagesSent).toBe(2);
    await hub.close();
    expect((await running).code).toBe('EBADF');
  });

  it('device(s, s) is a loopback too', async () => {
    const hub = make('NN_BUS', { raw: true });
    const address = bindAny(hub, 'inproc').address;
    const a = make('NN_BUS');
    const b = make('NN_BUS');
    a.connect(address);
    b.connect(address);
    const running = rejection(device(hub, hub));
    await a.send('hi');
    expect(String(await b.recv({ timeout: 5000 }))).toBe('hi');
    await hub.close();
    expect((await running).code).toBe('EBADF');
  });

  it('maxTtl drops a request that loops through a device, after exactly maxTtl hops', async () => {
    // The device's raw REQ connects back to its own raw REP: every pass adds
    // a hop to the request's backtrace until the raw REP drops it.
    async function hops(maxTtl: number): Promise<number> {
      const front = make('NN_REP', { raw: true, maxTtl });
      const back = make('NN_REQ', { raw: true });
      const address = bindAny(front, 'ipc').address;
      back.connect(address);
      const client = make('NN_REQ');
      client.connect(address);
      const running = rejection(device(front, back));
      await waitFor(() => front.statistics().currentConnections === 2, 'both peers connected');
      await client.send('round and round');
      await waitFor(() => (front.statistics().messagesReceived ?? 0) >= maxTtl, `${maxTtl} hops`);
      await sleep(150); // had it looped on, more would have come by now
      const received = front.statistics().messagesReceived ?? -1;
      expect(back.statistics().messagesSent).toBe(received);
      await front.close();
      expect((await running).code).toBe('EBADF');
      return received;
    }
    expect(await hops(2)).toBe(2);
    expect(await hops(5)).toBe(5);
  });

  it('a device keeps forwarding while the event loop is busy with other work', async () => {
    const push = make('NN_PUSH');
    const inbound = make('NN_PULL', { raw: true });
    const outbound = make('NN_PUSH', { raw: true });
    const pull = make('NN_PULL');
    inbound.connect(bindAny(push, 'inproc').address);
    pull.connect(bindAny(outbound, 'inproc').address);
    const running = rejection(device(inbound, outbound));
    for (let i = 0; i < 20; i++) await push.send(`m${i}`);
    // Block this thread; the device thread moves the messages meanwhile.
    const until = Date.now() + 200;
    while (Date.now() < until) {
      // busy
    }
    expect(outbound.statistics().messagesSent).toBe(20);
    for (let i = 0; i < 20; i++) expect(String(await pull.recv({ timeout: 5000 }))).toBe(`m${i}`);
    await inbound.close();
    expect((await running).code).toBe('EBADF');
  });
});

describe('device() ends', () => {
  it('rejects with EBADF when its first socket is closed; the other socket stays usable', async () => {
    const front = make('NN_REP', { raw: true });
    const back = make('NN_REQ', { raw: true });
    const running = device(front, back);
    expect(await state(running)).toBe('pending');
    const err = rejection(running);
    await front.close();
    const e = await err;
    expect(e).toBeInstanceOf(NanomsgError);
    expect([e.code, e.syscall]).toEqual(['EBADF', 'nn_device']);
    // back is open and works
    const rep = make('NN_REP');
    rep.connect(bindAny(back, 'inproc').address);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0x80000001);
    await back.sendMessage({ body: 'still here', header }, { timeout: 5000 });
    expect(String(await rep.recv({ timeout: 5000 }))).toBe('still here');
  });

  it('rejects with EBADF when its second socket is closed, even with traffic in flight', async () => {
    const push = make('NN_PUSH');
    const inbound = make('NN_PULL', { raw: true });
    const outbound = make('NN_PUSH', { raw: true });
    inbound.connect(bindAny(push, 'inproc').address);
    bindAny(outbound, 'inproc'); // nobody pulls: the device holds a message back
    const running = rejection(device(inbound, outbound));
    for (let i = 0; i < 5; i++) await push.send(`m${i}`);
    await sleep(50);
    const closed = outbound.close();
    expect((await running).code).toBe('EBADF');
    await closed; // nn_close ran once the device let go
    expect(outbound.closed).toBe(true);
    expect(inbound.closed).toBe(false);
  });

  it('closing both sockets at once settles it once, and both closes resolve', async () => {
    const a = make('NN_PAIR', { raw: true });
    const b = make('NN_PAIR', { raw: true });
    const running = rejection(device(a, b));
    await Promise.all([a.close(), b.close()]);
    expect((await running).code).toBe('EBADF');
  });

  it('several devices on one socket all stop when it is closed', async () => {
    const hub = make('NN_BUS', { raw: true });
    const other = make('NN_BUS', { raw: true });
    const loop = rejection(device(hub));
    const pair = rejection(device(hub, other));
    await hub.close();
    expect((await loop).code).toBe('EBADF');
    expect((await pair).code).toBe('EBADF');
  });

  it('keeps its sockets alive while it runs even when nothing else refers to them', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'tests run with --expose-gc').toBeTypeOf('function');
    let running!: Promise<{ code?: unknown }>;
    let refs!: WeakRef<Socket>[];
    (() => {
      const a = new Socket('NN_PAIR', { raw: true });
      const b = new Socket('NN_PAIR', { raw: true });
      refs = [new WeakRef(a), new WeakRef(b)];
      running = rejection(device(a, b));
    })();
    for (let i = 0; i < 5; i++) {
      gc!();
      await sleep(10);
    }
    // Not collected, hence not closed by the finalizer: the device still runs.
    expect(await state(running)).toBe('pending');
    const [a, b] = refs.map((r) => r.deref());
    expect(a).toBeInstanceOf(Socket);
    expect(b).toBeInstanceOf(Socket);
    await Promise.all([a!.close(), b!.close()]);
    expect((await running).code).toBe('EBADF');
  });
});

describe("device() checks (the library's rules)", () => {
  it('rejects cooked sockets with EINVAL', async () => {
    const cooked = make('NN_REP');
    const raw = make('NN_REQ', { raw: true });
    const e1 = await rejection(device(cooked, raw));
    expect([e1.code, e1.syscall]).toEqual(['EINVAL', 'nn_device']);
    expect((await rejection(device(raw, make('NN_REQ')))).code).toBe('EINVAL');
    expect((await rejection(device(make('NN_BUS')))).code).toBe('EINVAL');
  });

  it('rejects sockets of different protocols with EINVAL', async () => {
    const rep = make('NN_REP', { raw: true });
    const pub = make('NN_PUB', { raw: true });
    expect((await rejection(device(rep, pub))).code).toBe('EINVAL');
  });

  it('rejects directions that do not fit (two senders) with EINVAL', async () => {
    const a = make('NN_PUB', { raw: true });
    const b = make('NN_PUB', { raw: true });
    expect((await rejection(device(a, b))).code).toBe('EINVAL');
  });

  it('rejects a loopback on a socket that cannot both receive and send with ENOTSUP', async () => {
    expect((await rejection(device(make('NN_PUB', { raw: true })))).code).toBe('ENOTSUP');
    const sub = make('NN_SUB', { raw: true });
    expect((await rejection(device(sub))).code).toBe('ENOTSUP');
  });

  it('rejects a closed socket with EBADF and a non-socket with a TypeError', async () => {
    const a = make('NN_PAIR', { raw: true });
    const b = make('NN_PAIR', { raw: true });
    await b.close();
    expect((await rejection(device(a, b))).code).toBe('EBADF');
    await expect(device({} as never)).rejects.toBeInstanceOf(TypeError);
    await expect(device(a, 5 as never)).rejects.toBeInstanceOf(TypeError);
  });
});
