// Timeouts, AbortSignal and the event loop while a send or recv waits.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { NanomsgError } from '@nanomsg-ts/core';
import {
  bindAny,
  connectedPair,
  rejection,
  sleep,
  coreTransports as transports,
  useSockets,
} from '@nanomsg-ts/testkit';

const open = useSockets();

/** How long `promise` took to reject, and with what. */
async function timedRejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  const error = await rejection(promise);
  return { error, ms: performance.now() - start };
}

describe.each(transports)('Socket timeouts over %s', (transport) => {
  it('recv without timeout: uses receiveTimeout and rejects ETIMEDOUT after about that long', async () => {
    const { bound } = connectedPair(open, transport);
    bound.receiveTimeout = 300;
    const { error, ms } = await timedRejection(bound.recv());
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_recv' });
    // Timers count from the event loop's cached clock, which can lag under
    // load: the lower bound tells "waited the timeout" from "failed at once".
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(3000);
  });

  it('send without timeout: uses sendTimeout and rejects ETIMEDOUT after about that long (PUSH, no peer)', async () => {
    const push = open('NN_PUSH', { sendTimeout: 300 });
    bindAny(push, transport);
    const { error, ms } = await timedRejection(push.send('nobody listens'));
    expect(error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_send' });
    // Timers count from the event loop's cached clock, which can lag under
    // load: the lower bound tells "waited the timeout" from "failed at once".
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(3000);
  });

  it('explicit timeout: overrides a longer receiveTimeout', async () => {
    const { bound } = connectedPair(open, transport, 'NN_PAIR', {
      bound: { receiveTimeout: 10_000 },
    });
    const { error, ms } = await timedRejection(bound.recv({ timeout: 80 }));
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(ms).toBeGreaterThanOrEqual(70);
    expect(ms).toBeLessThan(1500);
  });

  it('explicit timeout -1: waits past a short receiveTimeout for the message', async () => {
    const { bound, connected } = connectedPair(open, transport, 'NN_PAIR', {
      bound: { receiveTimeout: 30 },
    });
    const pending = bound.recv({ timeout: -1 });
    await sleep(150);
    await connected.send('late but wanted');
    expect((await pending).toString()).toBe('late but wanted');
  });

  it('explicit timeout on send: rejects ETIMEDOUT, and the message is not sent later', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const { error, ms } = await timedRejection(push.send('expired', { timeout: 60 }));
    expect(error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_send' });
    expect(ms).toBeGreaterThanOrEqual(50);
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await push.send('fresh');
    expect((await pull.recv({ timeout: 5000 })).toString()).toBe('fresh');
  });

  it('timeout 0: rejects ETIMEDOUT at once when nothing is ready, resolves when a message is', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const { error, ms } = await timedRejection(bound.recv({ timeout: 0 }));
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(ms).toBeLessThan(50);
    await connected.send('now');
    await expect(bound.recv({ timeout: 5000 })).resolves.toEqual(Buffer.from('now'));
    await connected.send('ready');
    await sleep(50);
    expect((await bound.recv({ timeout: 0 })).toString()).toBe('ready');
  });

  it('a timed-out recv loses no message: the next recv gets it', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await expect(bound.recv({ timeout: 30 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await connected.send('kept');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('kept');
  });

  it('wrong timeout values: TypeError or RangeError, nothing waits', async () => {
    const { bound } = connectedPair(open, transport);
    await expect(bound.recv({ timeout: '100' as unknown as number })).rejects.toThrow(TypeError);
    await expect(bound.recv({ timeout: -2 })).rejects.toThrow(RangeError);
    await expect(bound.recv({ timeout: Number.NaN })).rejects.toThrow(RangeError);
    await expect(bound.recv({ timeout: 2 ** 31 })).rejects.toThrow(RangeError);
    await expect(bound.send('x', { timeout: -5 })).rejects.toThrow(RangeError);
    await expect(bound.send('x', { signal: {} as AbortSignal })).rejects.toThrow(TypeError);
    await expect(bound.recv(42 as unknown as { timeout: number })).rejects.toThrow(TypeError);
  });
});

describe.each(transports)('Socket AbortSignal over %s', (transport) => {
  it('abort a pending recv: rejects with the signal reason; the message stays queued for the next recv', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const aborted = bound.recv({ signal: controller.signal });
    await sleep(10);
    controller.abort(reason);
    expect(await rejection(aborted)).toBe(reason);
    await connected.send('still here');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('still here');
  });

  it('abort one of two pending recvs: the other one gets the message', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const controller = new AbortController();
    const first = rejection(bound.recv({ signal: controller.signal }));
    const second = bound.recv();
    controller.abort();
    await connected.send('for the second');
    expect(await first).toMatchObject({ name: 'AbortError' });
    expect((await second).toString()).toBe('for the second');
  });

  it('default reason: an AbortError DOMException', async () => {
    const { bound } = connectedPair(open, transport);
    const controller = new AbortController();
    const pending = bound.recv({ signal: controller.signal });
    controller.abort();
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).toBe(controller.signal.reason);
  });

  it('AbortSignal.timeout: rejects with its TimeoutError', async () => {
    const { bound } = connectedPair(open, transport);
    const error = await rejection(bound.recv({ signal: AbortSignal.timeout(50) }));
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('abort a pending send: rejects with the reason and the message is never delivered', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const controller = new AbortController();
    const aborted = push.send('cancelled', { signal: controller.signal });
    const kept = push.send('kept');
    controller.abort('stop');
    expect(await rejection(aborted)).toBe('stop');
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await kept;
    expect((await pull.recv({ timeout: 5000 })).toString()).toBe('kept');
    await expect(pull.recv({ timeout: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('one abort listener per signal while operations wait on it, none once they settled', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const controller = new AbortController();
    const { signal } = controller;
    const pending = [0, 1, 2].map(() => bound.recv({ signal, timeout: 5000 }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    for (const m of ['a', 'b', 'c']) await connected.send(m);
    expect((await Promise.all(pending)).map(String)).toEqual(['a', 'b', 'c']);
    // A signal with listeners is kept alive (an AbortSignal.timeout() until it fires).
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await expect(bound.recv({ signal, timeout: 10 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('a signal aborted after the recv resolved changes nothing', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const controller = new AbortController();
    const pending = bound.recv({ signal: controller.signal });
    await connected.send('delivered');
    expect((await pending).toString()).toBe('delivered');
    controller.abort();
    await connected.send('next');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('next');
  });
});

describe.each(transports)('Socket sends that wait over %s', (transport) => {
  it('send the bytes as they were when called, whatever the caller writes into its Buffer, TypedArray, DataView or ArrayBuffer meanwhile; in order, with waiting strings and empty messages', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const words = ['buffer', 'uint16array', 'dataview', 'arraybuffer', 'large'];
    const large = Buffer.alloc(200_000, 'L');
    const buffer = Buffer.from(words[0]!);
    const u16 = new Uint16Array(Uint8Array.from(Buffer.from(words[1]! + '-')).buffer);
    const dvBacking = Buffer.from('..' + words[2]! + '..');
    const dv = new DataView(dvBacking.buffer, dvBacking.byteOffset + 2, words[2]!.length);
    const ab = Uint8Array.from(Buffer.from(words[3]!)).buffer;
    const abBytes = Buffer.from(words[3]!);
    const expected = [
      Buffer.from(buffer),
      Buffer.from(Buffer.from(u16.buffer, u16.byteOffset, u16.byteLength)),
      Buffer.from(dvBacking.subarray(2, 2 + words[2]!.length)),
      abBytes,
      Buffer.from('a string'),
      Buffer.alloc(0),
      Buffer.from(large),
    ];
    // No peer yet: every send waits.
    const sends = [
      push.send(buffer),
      push.send(u16),
      push.send(dv),
      push.send(ab),
      push.send('a string'),
      push.send(Buffer.alloc(0)),
      push.send(large),
    ];
    buffer.fill('x');
    u16.fill(0x7878);
    dvBacking.fill('x');
    new Uint8Array(ab).fill(0x78);
    large.fill('x');
    const pull = open('NN_PULL', { receiveMaxSize: -1 });
    pull.connect(ep.address);
    await Promise.all(sends);
    const got: Buffer[] = [];
    for (let i = 0; i < expected.length; i++) got.push(await pull.recv({ timeout: 5000 }));
    expect(got.map((b) => b.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
  });

  it('waiting sends that time out, are aborted or are left at close never arrive; later sends do', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    const controller = new AbortController();
    const timedOut = push.send(Buffer.from('timed out'), { timeout: 50 });
    const aborted = push.send(Buffer.from('aborted'), { signal: controller.signal });
    const kept = push.send(Buffer.from('kept'));
    controller.abort();
    expect(await rejection(aborted)).toBe(controller.signal.reason);
    expect(await rejection(timedOut)).toMatchObject({ code: 'ETIMEDOUT' });
    const pull = open('NN_PULL');
    pull.connect(ep.address);
    await kept;
    expect((await pull.recv({ timeout: 5000 })).toString()).toBe('kept');
    const lone = open('NN_PUSH');
    bindAny(lone, transport);
    const left = [lone.send(Buffer.alloc(1000, 1)), lone.send(Buffer.alloc(100_000, 2))].map((p) =>
      rejection(p),
    );
    await lone.close();
    for (const error of await Promise.all(left)) expect(error).toMatchObject({ code: 'EBADF' });
    expect(pull.tryRecv()).toBeUndefined();
  });
});

describe.each(transports)('Socket and the event loop over %s', (transport) => {
  it('a pending recv does not block: intervals keep ticking until the message comes', async () => {
    const { bound, connected } = connectedPair(open, transport);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    try {
      const pending = bound.recv();
      setTimeout(() => void connected.send('wake up'), 250);
      const ticksBefore = ticks;
      const got = await pending;
      expect(got.toString()).toBe('wake up');
      expect(ticks - ticksBefore).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(interval);
    }
  });

  it('a pending send does not block: intervals keep ticking until a peer takes it', async () => {
    const push = open('NN_PUSH');
    const ep = bindAny(push, transport);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    try {
      const pending = push.send('waiting for a peer');
      await sleep(200);
      expect(ticks).toBeGreaterThanOrEqual(10);
      const pull = open('NN_PULL');
      pull.connect(ep.address);
      await pending;
      expect((await pull.recv({ timeout: 5000 })).toString()).toBe('waiting for a peer');
    } finally {
      clearInterval(interval);
    }
  });
});
