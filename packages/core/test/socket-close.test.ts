// close(), use after close, Symbol.asyncDispose and async iteration ending on close.
import { describe, expect, it } from 'vitest';
import { NanomsgError, Socket } from '@nanomsg-ts/core';
import {
  bindAny,
  connectedPair,
  rejection,
  sleep,
  thrown,
  coreTransports as transports,
  useSockets,
  waitFor,
} from '@nanomsg-ts/testkit';

const open = useSockets();

function expectBadf(error: unknown, syscall?: string): void {
  expect(error).toBeInstanceOf(NanomsgError);
  expect(error).toMatchObject({ code: 'EBADF' });
  if (syscall !== undefined) expect(error).toMatchObject({ syscall });
}

describe.each(transports)('Socket.close over %s', (transport) => {
  it('closed: false before, true at once after close(), which resolves', async () => {
    const { bound } = connectedPair(open, transport);
    expect(bound.closed).toBe(false);
    const closing = bound.close();
    expect(bound.closed).toBe(true);
    await expect(closing).resolves.toBeUndefined();
  });

  it('pending recv: rejects with NanomsgError EBADF', async () => {
    const { bound } = connectedPair(open, transport);
    const pending = rejection(bound.recv());
    const iteratorNext = bound[Symbol.asyncIterator]().next();
    await sleep(10);
    await bound.close();
    expectBadf(await pending, 'nn_recv');
    await expect(iteratorNext).resolves.toEqual({ done: true, value: undefined });
  });

  it('pending send: rejects with NanomsgError EBADF (PUSH without a peer)', async () => {
    const push = open('NN_PUSH');
    bindAny(push, transport);
    const pending = [rejection(push.send('one')), rejection(push.send('two'))];
    await sleep(10);
    await push.close();
    for (const error of await Promise.all(pending)) expectBadf(error, 'nn_send');
  });

  it('pending recv and pending send together, with a timeout and a signal armed: all reject EBADF', async () => {
    const a = open('NN_PUSH');
    const b = open('NN_PULL');
    bindAny(a, transport);
    bindAny(b, transport);
    const controller = new AbortController();
    const send = rejection(a.send('never', { timeout: 60_000, signal: controller.signal }));
    const recv = rejection(b.recv({ timeout: 60_000, signal: controller.signal }));
    await Promise.all([a.close(), b.close()]);
    expectBadf(await send, 'nn_send');
    expectBadf(await recv, 'nn_recv');
    controller.abort();
  });

  it('never blocks: close() returns at once with live connections and traffic, the loop keeps ticking', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('warm up');
    await bound.recv({ timeout: 5000 });
    void bound.recv().catch(() => {});
    void connected.send('x'.repeat(100_000));
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    try {
      const start = performance.now();
      const closing = [bound.close(), connected.close()];
      const syncMs = performance.now() - start;
      expect(syncMs).toBeLessThan(50);
      await Promise.all(closing);
      await sleep(5);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(interval);
    }
  });

  it('twice: harmless; both calls resolve and the socket stays closed', async () => {
    const { bound } = connectedPair(open, transport);
    const first = bound.close();
    const second = bound.close();
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    await expect(bound.close()).resolves.toBeUndefined();
    expect(bound.closed).toBe(true);
  });

  it('releases the address: another socket can bind it once close() resolved', async () => {
    const first = open('NN_PAIR');
    const ep = bindAny(first, transport);
    await first.close();
    const second = open('NN_PAIR');
    expect(second.bind(ep.address).address).toBe(ep.address);
  });

  it('drops messages received but not yet taken; recv then rejects EBADF', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('one');
    await connected.send('two');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('one');
    await bound.close();
    expectBadf(await rejection(bound.recv()), 'nn_recv');
  });

  it('the peer notices: its currentConnections drops to 0 over a connection-oriented transport', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('hello');
    await bound.recv({ timeout: 5000 });
    await waitFor(() => bound.statistics().currentConnections === 1, 'the connection');
    await connected.close();
    await waitFor(() => bound.statistics().currentConnections === 0, 'the peer to go away');
  });
});

describe('Socket after close', () => {
  async function closedSocket(): Promise<{ sock: Socket; endpoint: ReturnType<Socket['bind']> }> {
    const sock = new Socket('NN_PAIR');
    const endpoint = bindAny(sock, 'inproc');
    await sock.close();
    return { sock, endpoint };
  }

  it('bind and connect: throw NanomsgError EBADF synchronously', async () => {
    const { sock } = await closedSocket();
    expectBadf(
      thrown(() => sock.bind('inproc://after-close')),
      'nn_bind',
    );
    expectBadf(
      thrown(() => sock.connect('inproc://after-close')),
      'nn_connect',
    );
  });

  it('send and recv: reject with NanomsgError EBADF', async () => {
    const { sock } = await closedSocket();
    expectBadf(await rejection(sock.send('x')), 'nn_send');
    expectBadf(await rejection(sock.send('x', { timeout: 0 })), 'nn_send');
    expectBadf(await rejection(sock.recv()), 'nn_recv');
    expectBadf(await rejection(sock.recv({ timeout: 100 })), 'nn_recv');
  });

  it('trySend and tryRecv: throw NanomsgError EBADF', async () => {
    const { sock } = await closedSocket();
    expectBadf(
      thrown(() => sock.trySend('x')),
      'nn_send',
    );
    expectBadf(
      thrown(() => sock.tryRecv()),
      'nn_recv',
    );
  });

  it('option properties, getOption and setOption: throw NanomsgError EBADF', async () => {
    const { sock } = await closedSocket();
    expectBadf(thrown(() => sock.sendBufferSize));
    expectBadf(thrown(() => (sock.sendBufferSize = 4096)));
    expectBadf(thrown(() => sock.name));
    expectBadf(thrown(() => (sock.name = 'closed')));
    expectBadf(thrown(() => sock.tcpNoDelay));
    expectBadf(
      thrown(() => sock.getOption('NN_RCVBUF')),
      'nn_getsockopt',
    );
    expectBadf(
      thrown(() => sock.setOption('NN_RCVBUF', 4096)),
      'nn_setsockopt',
    );
  });

  it('statistics and Endpoint.shutdown: throw NanomsgError EBADF', async () => {
    const { sock, endpoint } = await closedSocket();
    expectBadf(thrown(() => sock.statistics()));
    expectBadf(
      thrown(() => endpoint.shutdown()),
      'nn_shutdown',
    );
  });

  it('async iteration: completes at once, without a value', async () => {
    const { sock } = await closedSocket();
    const seen: Buffer[] = [];
    for await (const m of sock) seen.push(m);
    expect(seen).toEqual([]);
  });

  it('endpoints: empty from close() on (closing removed them all)', async () => {
    const sock = new Socket('NN_PAIR');
    bindAny(sock, 'inproc');
    sock.connect('inproc://nobody-yet');
    expect(sock.endpoints).toHaveLength(2);
    const closing = sock.close();
    expect(sock.endpoints).toEqual([]);
    await closing;
    expect(sock.endpoints).toEqual([]);
  });

  it('id, protocol and raw stay readable', async () => {
    const { sock } = await closedSocket();
    expect(sock.protocol).toBe('NN_PAIR');
    expect(sock.raw).toBe(false);
    expect(Number.isInteger(sock.id)).toBe(true);
    expect(sock.closed).toBe(true);
  });
});

describe('Socket[Symbol.asyncDispose]', () => {
  it('closes the socket: pending recv rejects EBADF, the socket is closed', async () => {
    const sock = new Socket('NN_PAIR');
    bindAny(sock, 'inproc');
    const pending = rejection(sock.recv());
    await sock[Symbol.asyncDispose]();
    expect(sock.closed).toBe(true);
    expectBadf(await pending, 'nn_recv');
    await expect(sock[Symbol.asyncDispose]()).resolves.toBeUndefined();
  });

  it('await using: closes the socket at the end of the block', async () => {
    let kept: Socket | undefined;
    {
      await using sock = new Socket('NN_PAIR');
      kept = sock;
      expect(sock.closed).toBe(false);
    }
    expect(kept.closed).toBe(true);
  });
});

describe.each(transports)('Socket async iteration over %s', (transport) => {
  it('yields every message in order and completes without throwing when the socket is closed', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const m of bound) seen.push(m.toString());
      return 'completed';
    })();
    for (const m of ['a', 'b', 'c']) await connected.send(m);
    await waitFor(() => seen.length === 3, 'three messages');
    await bound.close();
    await expect(loop).resolves.toBe('completed');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('receiveTimeout does not end it: waits past the timeout for each message, completes without throwing when the socket is closed', async () => {
    const { bound, connected } = connectedPair(open, transport, 'NN_PAIR', {
      bound: { receiveTimeout: 50 },
    });
    const seen: string[] = [];
    const loop = (async () => {
      try {
        for await (const m of bound) seen.push(m.toString());
        return 'completed';
      } catch (error) {
        return error;
      }
    })();
    // An already settled `loop` wins the race.
    const stillRunning = () => Promise.race([loop, 'running']);
    for (const m of ['late', 'later']) {
      await sleep(250);
      expect(await stillRunning()).toBe('running');
      await connected.send(m);
      await waitFor(() => seen.at(-1) === m, `the message ${m}`);
    }
    await sleep(250);
    expect(await stillRunning()).toBe('running');
    await bound.close();
    expect(await loop).toBe('completed');
    expect(seen).toEqual(['late', 'later']);
    // recv itself still uses receiveTimeout.
    await expect(
      connectedPair(open, transport, 'NN_PAIR', { bound: { receiveTimeout: 50 } }).bound.recv(),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('messages already waiting: yielded before new ones', async () => {
    const { bound, connected } = connectedPair(open, transport);
    for (const m of ['1', '2']) await connected.send(m);
    await sleep(30);
    const iterator = bound[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.toString()).toBe('1');
    expect((await iterator.next()).value?.toString()).toBe('2');
    const third = iterator.next();
    await connected.send('3');
    expect((await third).value?.toString()).toBe('3');
  });

  it('break: leaves the socket open and the rest of the messages for recv', async () => {
    const { bound, connected } = connectedPair(open, transport);
    for (const m of ['first', 'second']) await connected.send(m);
    for await (const m of bound) {
      expect(m.toString()).toBe('first');
      break;
    }
    expect(bound.closed).toBe(false);
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('second');
  });
});
