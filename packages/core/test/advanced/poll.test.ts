// poll(): nn_poll semantics on the sockets' readiness watchers.
import { beforeAll, describe, expect, it } from 'vitest';
import { poll, registerProtocol, type Socket } from '@nanomsg-ts/core';
import {
  bindAny,
  rejection,
  sleep,
  state,
  useSockets,
  type CoreTransport as Transport,
} from '@nanomsg-ts/testkit';

const make = useSockets();

// As @nanomsg-ts/pair declares it: its sockets may take messages ahead of the
// caller (a protocol never declared takes one at a time).
beforeAll(() => registerProtocol('NN_PAIR', { receive: 'ahead' }));

function pair(transport: Transport): { a: Socket; b: Socket } {
  const a = make('NN_PAIR');
  const b = make('NN_PAIR');
  b.connect(bindAny(a, transport).address);
  return { a, b };
}

describe.each(['inproc', 'ipc', 'tcp'] as const)('poll over %s', (transport) => {
  it('reports in only once a message is queued, and does not take it', async () => {
    const { a, b } = pair(transport);
    expect(await poll([{ socket: a, in: true }], 0)).toEqual([{ in: false, out: false }]);
    await b.send('queued');
    const [r] = await poll([{ socket: a, in: true }], 5000);
    expect(r).toEqual({ in: true, out: false });
    // Still there for recv, and nothing more after it.
    expect(String(a.tryRecv())).toBe('queued');
    expect(await poll([{ socket: a, in: true }], 0)).toEqual([{ in: false, out: false }]);
  });

  it('reports out on a connected PAIR, not on one without a peer', async () => {
    const lonely = make('NN_PAIR');
    bindAny(lonely, transport);
    expect(await poll([{ socket: lonely, out: true }], 50)).toEqual([{ in: false, out: false }]);
    const { b } = pair(transport);
    const [r] = await poll([{ socket: b, in: true, out: true }], 5000);
    expect(r).toEqual({ in: false, out: true });
  });
});

describe('poll', () => {
  it('wakes as soon as a message arrives, without blocking the event loop meanwhile', async () => {
    const { a, b } = pair('ipc');
    let ticks = 0;
    const interval = setInterval(() => (ticks += 1), 5);
    const started = Date.now();
    const waiting = poll([{ socket: a, in: true }], 10_000);
    await sleep(100);
    expect(await state(waiting)).toBe('pending');
    await b.send('now');
    const [r] = await waiting;
    clearInterval(interval);
    expect(r!.in).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('resolves all false after its timeout when nothing is ready', async () => {
    const { a } = pair('inproc');
    const started = Date.now();
    const result = await poll([{ socket: a, in: true }], 120);
    expect(result).toEqual([{ in: false, out: false }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('waits without limit for timeout -1 or undefined', async () => {
    const { a, b } = pair('inproc');
    const forever = poll([{ socket: a, in: true }], -1);
    const noTimeout = poll([{ socket: a, in: true }]);
    await sleep(150);
    expect(await state(forever)).toBe('pending');
    expect(await state(noTimeout)).toBe('pending');
    await b.send('x');
    expect((await forever)[0]!.in).toBe(true);
    expect((await noTimeout)[0]!.in).toBe(true);
  });

  it('reports each entry on its own; only requested directions can be true', async () => {
    const one = pair('inproc');
    const two = pair('inproc');
    await two.b.send('for two');
    const result = await poll(
      [
        { socket: one.a, in: true },
        { socket: two.a, in: true },
        { socket: two.a },
        { socket: one.b, out: true },
      ],
      1000,
    );
    expect(result).toEqual([
      { in: false, out: false },
      { in: true, out: false },
      { in: false, out: false },
      { in: false, out: true },
    ]);
  });

  it('counts messages the binding already took from the library', async () => {
    const { a, b } = pair('inproc');
    await b.send('1');
    await b.send('2');
    await sleep(20);
    expect(String(await a.recv())).toBe('1'); // the batch took '2' as well
    expect(a.statistics().messagesReceived).toBe(2);
    expect((await poll([{ socket: a, in: true }], 0))[0]!.in).toBe(true);
    expect(String(a.tryRecv())).toBe('2');
    expect((await poll([{ socket: a, in: true }], 0))[0]!.in).toBe(false);
  });

  it('does not report in while earlier receivers wait: the message is theirs', async () => {
    const { a, b } = pair('inproc');
    const waiting = a.recv();
    const polled = poll([{ socket: a, in: true }], 150);
    await b.send('for the receiver');
    expect(String(await waiting)).toBe('for the receiver');
    expect((await polled)[0]!.in).toBe(false);
  });

  it('wakes for out once a peer connects', async () => {
    const a = make('NN_PAIR');
    const address = bindAny(a, 'ipc').address;
    const waiting = poll([{ socket: a, out: true }], 10_000);
    await sleep(50);
    expect(await state(waiting)).toBe('pending');
    make('NN_PAIR').connect(address);
    expect((await waiting)[0]!.out).toBe(true);
  });

  it('rejects with ENOPROTOOPT when asking in of a socket that cannot receive (as nn_poll does)', async () => {
    const pub = make('NN_PUB');
    const e = await rejection(poll([{ socket: pub, in: true }], 0));
    expect([e.code, e.syscall]).toEqual(['ENOPROTOOPT', 'nn_poll']);
    expect((await poll([{ socket: pub, out: true }], 0))[0]!.out).toBe(true);
  });

  it('rejects with EBADF for a closed socket, and when a socket is closed during the wait', async () => {
    const { a } = pair('inproc');
    const closed = make('NN_PAIR');
    await closed.close();
    expect((await rejection(poll([{ socket: closed, in: true }], 0))).code).toBe('EBADF');
    const waiting = rejection(poll([{ socket: a, in: true }], 10_000));
    await sleep(20);
    await a.close();
    const e = await waiting;
    expect([e.code, e.syscall]).toEqual(['EBADF', 'nn_poll']);
  });

  it('checks its arguments', async () => {
    const { a } = pair('inproc');
    await expect(poll('x' as never)).rejects.toBeInstanceOf(TypeError);
    await expect(poll([{ socket: {} as never, in: true }])).rejects.toBeInstanceOf(TypeError);
    await expect(poll([{ socket: a, in: 1 as never }])).rejects.toBeInstanceOf(TypeError);
    await expect(poll([{ socket: a, in: true }], -2)).rejects.toBeInstanceOf(RangeError);
    await expect(poll([{ socket: a, in: true }], 1.5)).rejects.toBeInstanceOf(RangeError);
    await expect(poll([{ socket: a, in: true }], '5' as never)).rejects.toBeInstanceOf(TypeError);
    expect(await poll([], 0)).toEqual([]);
  });
});
