import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import {
  bindAny,
  connectedPair,
  pattern,
  coreTransports as transports,
  useSockets,
  waitFor,
} from '@nanomsg-ts/testkit';

const open = useSockets();

describe.each(transports)('Socket send/recv over %s', (transport) => {
  it('strings: sent as UTF-8, received as a Buffer of those bytes', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const text = 'héllo ☃ 😀 \u0000 end';
    await connected.send(text);
    const got = await bound.recv({ timeout: 5000 });
    expect(Buffer.isBuffer(got)).toBe(true);
    expect(got.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('both directions: each side receives what the other sent', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('ping');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('ping');
    await bound.send('pong');
    expect((await connected.recv({ timeout: 5000 })).toString()).toBe('pong');
  });

  it('byte views: Buffer, Uint8Array slice, Uint16Array, Float64Array, DataView slice and ArrayBuffer arrive byte-exact', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const backing = pattern(64, 7);
    const u16 = new Uint16Array([0x0102, 0xfffe, 0x8000]);
    const f64 = new Float64Array([Math.PI, -0]);
    const views: [string, ArrayBufferView | ArrayBuffer, Buffer][] = [
      ['Buffer', backing, backing],
      [
        'Uint8Array slice',
        new Uint8Array(backing.buffer, backing.byteOffset + 5, 11),
        backing.subarray(5, 16),
      ],
      ['Uint16Array', u16, Buffer.from(u16.buffer)],
      ['Float64Array', f64, Buffer.from(f64.buffer)],
      [
        'DataView slice',
        new DataView(backing.buffer, backing.byteOffset + 3, 9),
        backing.subarray(3, 12),
      ],
      ['ArrayBuffer', new Uint8Array(backing).buffer, backing],
    ];
    for (const [, message] of views) await connected.send(message);
    for (const [name, , expected] of views) {
      const got = await bound.recv({ timeout: 5000 });
      expect(got.toString('hex'), name).toBe(expected.toString('hex'));
    }
  });

  it('0-byte messages: an empty string and an empty Buffer arrive as empty Buffers', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('');
    await connected.send(Buffer.alloc(0));
    await connected.send('after');
    expect((await bound.recv({ timeout: 5000 })).length).toBe(0);
    expect((await bound.recv({ timeout: 5000 })).length).toBe(0);
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('after');
  });

  it('1 MiB messages: arrive byte-exact in both directions (receiveMaxSize -1)', async () => {
    const { bound, connected } = connectedPair(open, transport, 'NN_PAIR', {
      bound: { receiveMaxSize: -1 },
      connected: { receiveMaxSize: -1 },
    });
    const big = pattern(1 << 20, 3);
    const bigger = pattern((1 << 20) + 1, 4);
    await connected.send(big);
    await bound.send(bigger);
    const got = await bound.recv({ timeout: 5000 });
    expect(got.length).toBe(big.length);
    expect(got.equals(big)).toBe(true);
    const back = await connected.recv({ timeout: 5000 });
    expect(back.equals(bigger)).toBe(true);
  });

  it('long strings: a 100 kB multi-byte string arrives as its UTF-8 bytes', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const text = 'ä€𝄞x'.repeat(10_000);
    await connected.send(text);
    const got = await bound.recv({ timeout: 5000 });
    expect(got.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('10,000 messages: all arrive, in order', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const n = 10_000;
    const received: string[] = [];
    const receiving = (async () => {
      while (received.length < n) received.push((await bound.recv({ timeout: 10_000 })).toString());
    })();
    await Promise.all(Array.from({ length: n }, (_, i) => connected.send(String(i))));
    await receiving;
    expect(received).toHaveLength(n);
    const outOfOrder = received.findIndex((m, i) => m !== String(i));
    expect(outOfOrder).toBe(-1);
  });

  it('received messages kept by the application stay intact while later ones arrive (small ones share the receive pool, larger ones come alone), over two sockets at once', async () => {
    const one = connectedPair(open, transport);
    const two = connectedPair(open, transport);
    // Sizes from 0 to 3000 bytes: under and over the pooled size, filling pools
    // part-way, each message's bytes derived from its number.
    const body = (n: number) => pattern((n * 37) % 3001, n);
    const n = 3000;
    const kept: Buffer[][] = [[], []];
    const receiving = [one, two].map(async ({ bound }, k) => {
      let i = 0;
      for await (const m of bound) {
        kept[k]!.push(m);
        // Mix the ways of receiving: the iterator, tryRecv, recv.
        if (++i % 3 === 0) {
          const more = bound.tryRecv();
          if (more !== undefined) kept[k]!.push(more);
        } else if (i % 3 === 1 && kept[k]!.length < n) {
          kept[k]!.push(await bound.recv({ timeout: 10_000 }));
        }
        if (kept[k]!.length >= n) break;
      }
    });
    for (let i = 0; i < n; i++) {
      await one.connected.send(body(i));
      await two.connected.send(body(n - 1 - i));
    }
    await Promise.all(receiving);
    for (const k of [0, 1]) {
      expect(kept[k]).toHaveLength(n);
      const wrong = kept[k]!.findIndex((m, i) => !m.equals(body(k === 0 ? i : n - 1 - i)));
      expect(wrong, `socket ${k}: first message that changed or came out of order`).toBe(-1);
    }
  });

  it('pending sends: keep their order and are delivered once a peer comes', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const sends = ['one', 'two', 'three'].map((m) => push.send(m));
    expect(push.trySend('jumps the queue')).toBe(false);
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await Promise.all(sends);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await pull.recv({ timeout: 5000 })).toString());
    expect(got).toEqual(['one', 'two', 'three']);
  });

  it('pending sends: the bytes are taken at the call, later changes to the buffer do not leak in', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const message = Buffer.from('original');
    const sent = push.send(message);
    message.write('CHANGED!');
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await sent;
    expect((await pull.recv({ timeout: 5000 })).toString()).toBe('original');
  });

  it('pending recvs: served in the order they were made', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const receivers = [bound.recv(), bound.recv(), bound.recv()];
    for (const m of ['a', 'b', 'c']) await connected.send(m);
    expect((await Promise.all(receivers)).map(String)).toEqual(['a', 'b', 'c']);
  });
});

describe.each(transports)('Socket trySend/tryRecv over %s', (transport) => {
  it('tryRecv: undefined while nothing waits, the message once it arrived', async () => {
    const { bound, connected } = connectedPair(open, transport);
    expect(bound.tryRecv()).toBeUndefined();
    await connected.send('ready');
    let got: Buffer | undefined;
    await waitFor(() => (got = bound.tryRecv()) !== undefined, 'a message for tryRecv');
    expect(got!.toString()).toBe('ready');
    expect(bound.tryRecv()).toBeUndefined();
  });

  it('trySend: false without a peer (EAGAIN), true once connected, and the message arrives', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    expect(push.trySend('nobody')).toBe(false);
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await waitFor(() => push.trySend('somebody'), 'trySend to be taken');
    expect((await pull.recv({ timeout: 5000 })).toString()).toBe('somebody');
    await expect(pull.recv({ timeout: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('trySend: false while a PUSH to an incompatible peer cannot send', async () => {
    const push = open('NN_PUSH');
    const pair = open('NN_PAIR');
    const ep = bindAny(pair, transport);
    push.connect(ep.address);
    await new Promise((r) => setTimeout(r, 50));
    expect(push.trySend('never')).toBe(false);
    expect(pair.tryRecv()).toBeUndefined();
  });
});

describe.each(['ipc', 'tcp'] as const)('Socket receiveMaxSize over %s', (transport) => {
  it('a message over the limit is dropped on the connection, a message at the limit arrives', async () => {
    const { bound, connected } = connectedPair(open, transport, 'NN_PAIR', {
      bound: { receiveMaxSize: 1000 },
    });
    await connected.send(pattern(1000));
    expect((await bound.recv({ timeout: 5000 })).equals(pattern(1000))).toBe(true);
    await connected.send(pattern(1001));
    await expect(bound.recv({ timeout: 200 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});

describe.each(transports)('Socket received messages and transfer over %s', (transport) => {
  it('transferring the buffer of a small received message detaches nothing: it and the messages that share its pool keep their bytes', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const kept: Buffer[] = [];
    for (let i = 0; i < 6; i++) {
      await connected.send(pattern(100 + i, i + 1));
      kept.push(await bound.recv({ timeout: 5000 }));
    }
    // Small messages are views of a shared pool: each message transferred
    // below shares its pool with another one kept (the pool may have been
    // renewed once among six messages of ~100 bytes, never twice).
    for (const i of [1, 2]) {
      expect(kept.filter((m) => m.buffer === kept[i]!.buffer).length).toBeGreaterThan(1);
    }
    // Node.js 20 copies an untransferable ArrayBuffer named in a transfer
    // list; later versions throw DataCloneError. Either way nothing detaches.
    const bufferOf = (m: Buffer) => m.buffer as ArrayBuffer;
    const attempts: [string, () => unknown][] = [
      ['structuredClone', () => structuredClone(kept[1]!, { transfer: [bufferOf(kept[1]!)] })],
      [
        'postMessage',
        () => {
          const { port1, port2 } = new MessageChannel();
          try {
            port1.postMessage(kept[2]!, [bufferOf(kept[2]!)]);
          } finally {
            port1.close();
            port2.close();
          }
        },
      ],
    ];
    const lengths = kept.map((_m, i) => 100 + i);
    for (const [how, attempt] of attempts) {
      let copy: unknown;
      try {
        copy = attempt();
      } catch (error) {
        expect((error as Error).name, how).toBe('DataCloneError');
      }
      if (copy !== undefined)
        expect(Buffer.from(copy as Uint8Array).equals(pattern(101, 2))).toBe(true);
      expect(
        kept.map((m) => m.length),
        `lengths after ${how}`,
      ).toEqual(lengths);
    }
    for (let i = 0; i < kept.length; i++) {
      expect(kept[i]!.equals(pattern(100 + i, i + 1)), `message ${i}`).toBe(true);
    }
    // And the pool goes on serving new messages.
    await connected.send('after');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('after');
  });
});
