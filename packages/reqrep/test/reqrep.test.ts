import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, connections, settledWithin, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(NanomsgError.isInstance(error)).toBe(true);
    return (error as NanomsgError).code;
  }
}

/** Answers every request with `prefix + request` until closed. */
function serve(rep: Rep, prefix: string, seen?: string[]): void {
  const loop = async (): Promise<void> => {
    for await (const request of rep) {
      seen?.push(String(request));
      await rep.send(prefix + String(request));
    }
  };
  // Closing the socket at the end of a test may catch it between recv and send.
  loop().catch((error: unknown) => {
    if (!rep.closed) throw error;
  });
}

describe.each(transports)('req/rep over %s', (transport) => {
  it('answers a request with its reply', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, transport).address);
    serve(rep, 're:');
    expect(String(await req.request('hello', { timeout: 3000 }))).toBe('re:hello');
    await req.send('plain');
    expect(String(await req.recv({ timeout: 3000 }))).toBe('re:plain');
  });

  it('fair-queues requests over two Reps', async () => {
    const req = sockets.add(new Req());
    const rep1 = sockets.add(new Rep());
    const rep2 = sockets.add(new Rep());
    req.connect(bindAny(rep1, transport).address);
    req.connect(bindAny(rep2, transport).address);
    await connections(req, 2);
    const seen1: string[] = [];
    const seen2: string[] = [];
    serve(rep1, '1:', seen1);
    serve(rep2, '2:', seen2);
    const replies: string[] = [];
    for (let i = 0; i < 10; i++)
      replies.push(String(await req.request(`r${i}`, { timeout: 3000 })));
    expect(seen1).toHaveLength(5);
    expect(seen2).toHaveLength(5);
    expect(replies.map((r) => r.slice(2))).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
  });

  it('refuses a resendInterval of 0, which would resend without pause, as a RangeError', () => {
    const req = sockets.add(new Req());
    const before = req.resendInterval;
    expect(() => (req.resendInterval = 0)).toThrow(RangeError);
    expect(() => req.setOption('NN_REQ_RESEND_IVL', 0)).toThrow(/without pause/);
    expect(() => new Req({ resendInterval: 0 })).toThrow(RangeError);
    expect(req.resendInterval).toBe(before);
    req.resendInterval = 1;
    expect(req.resendInterval).toBe(1);
  });

  it('resends a request that got no reply after resendInterval', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req({ resendInterval: 100 }));
    expect(req.resendInterval).toBe(100);
    req.connect(bindAny(rep, transport).address);
    const reply = req.request('again?', { timeout: 5000 });
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('again?');
    // Drop it: receiving again without replying loses the first copy's return path.
    const started = Date.now();
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('again?');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    await rep.send('finally');
    expect(String(await reply)).toBe('finally');
  });
});

describe.each(transports)('a cooked Rep receives one request at a time, over %s', (transport) => {
  it('a second recv, tryRecv or iteration step while a recv is pending fails with EFSM, so each reply goes to its own requester', async () => {
    const rep = sockets.add(new Rep());
    const reqA = sockets.add(new Req());
    const reqB = sockets.add(new Req());
    const addr = bindAny(rep, transport).address;
    reqA.connect(addr);
    reqB.connect(addr);
    await connections(rep, 2);
    const first = rep.recv({ timeout: 5000 });
    // The library keeps only the last request's return path: a second receive
    // would make the reply written for the first go to the second requester.
    const second = rep.recv({ timeout: 5000 });
    let tried: unknown;
    try {
      tried = rep.tryRecv();
    } catch (error) {
      tried = error;
    }
    const step = rep[Symbol.asyncIterator]().next();
    await reqA.send('A');
    await reqB.send('B');
    expect(await second.then(String, (error: unknown) => error)).toMatchObject({
      code: 'EFSM',
      syscall: 'nn_recv',
    });
    expect(NanomsgError.isInstance(tried)).toBe(true);
    expect(tried).toMatchObject({ code: 'EFSM', syscall: 'nn_recv' });
    expect(await step.then(String, (error: unknown) => error)).toMatchObject({ code: 'EFSM' });
    const request = String(await first);
    await rep.send(`reply to ${request}`);
    const other = request === 'A' ? 'B' : 'A';
    expect(String(await rep.recv({ timeout: 5000 }))).toBe(other);
    await rep.send(`reply to ${other}`);
    expect(String(await reqA.recv({ timeout: 5000 }))).toBe('reply to A');
    expect(String(await reqB.recv({ timeout: 5000 }))).toBe('reply to B');
  });

  it('a raw Rep still takes several receives at once: each reply carries its own return path', async () => {
    const rep = sockets.add(new Rep({ raw: true }));
    const reqA = sockets.add(new Req());
    const reqB = sockets.add(new Req());
    const addr = bindAny(rep, transport).address;
    reqA.connect(addr);
    reqB.connect(addr);
    await connections(rep, 2);
    const pending = [rep.recvMessage({ timeout: 5000 }), rep.recvMessage({ timeout: 5000 })];
    await reqA.send('A');
    await reqB.send('B');
    for (const { body, header } of await Promise.all(pending)) {
      await rep.sendMessage({ body: `reply to ${String(body)}`, header });
    }
    expect(String(await reqA.recv({ timeout: 5000 }))).toBe('reply to A');
    expect(String(await reqB.recv({ timeout: 5000 }))).toBe('reply to B');
  });
});

describe('req/rep state machine', () => {
  it('a Rep slower than resendInterval handles one request more than once; the Req takes one reply', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req({ resendInterval: 100 }));
    req.connect(bindAny(rep, 'tcp').address);
    let handled = 0;
    const loop = (async () => {
      for await (const request of rep) {
        handled++;
        await sleep(250); // slower than resendInterval
        await rep.send(`re ${String(request)}`);
      }
    })().catch((error: unknown) => {
      if (!rep.closed) throw error;
    });
    expect(String(await req.request('once?', { timeout: 5000 }))).toBe('re once?');
    await sleep(600);
    expect(handled).toBeGreaterThanOrEqual(2);
    await rep.close();
    await loop;
  });

  it('fails a Req recv before any send with EFSM', async () => {
    const req = sockets.add(new Req());
    expect(await codeOf(req.recv())).toBe('EFSM');
    expect(() => req.tryRecv()).toThrow(expect.objectContaining({ code: 'EFSM' }));
  });

  it('fails a Rep send before any recv with EFSM', async () => {
    const rep = sockets.add(new Rep());
    expect(await codeOf(rep.send('unasked'))).toBe('EFSM');
    expect(() => rep.trySend('unasked')).toThrow(expect.objectContaining({ code: 'EFSM' }));
  });

  it('cancels the previous request at the socket level when a new one is sent', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'ipc').address);
    await req.send('first');
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('first');
    await req.send('second');
    // The reply to the first request arrives after it was cancelled: dropped.
    await rep.send('reply to first');
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('second');
    await rep.send('reply to second');
    expect(String(await req.recv({ timeout: 3000 }))).toBe('reply to second');
  });
});

describe('Req.request concurrency', () => {
  it('gives each of several concurrent requests its own reply, in call order', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'tcp').address);
    const order: string[] = [];
    serve(rep, 'answer to ', order);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => req.request(`q${i}`, { timeout: 5000 })),
    );
    expect(replies.map(String)).toEqual(Array.from({ length: 20 }, (_, i) => `answer to q${i}`));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`));
  });

  it('times out a request whose reply never comes, and the next request still gets its own reply', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'ipc').address);
    const lost = req.request('ignored', { timeout: 150 });
    const next = req.request('answered', { timeout: 5000 });
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('ignored');
    expect(await codeOf(lost)).toBe('ETIMEDOUT');
    // The late reply to the timed-out request must not be taken for the next one.
    await rep.send('late reply to ignored');
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('answered');
    await rep.send('reply to answered');
    expect(String(await next)).toBe('reply to answered');
  });

  it('rejects an aborted request with the signal reason, also while it waits its turn', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'inproc').address);
    const first = req.request('first');
    const controller = new AbortController();
    const second = req.request('second', { signal: controller.signal });
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
    expect(await settledWithin(first, 50)).toBe('pending');
    expect(String(await rep.recv({ timeout: 3000 }))).toBe('first');
    await rep.send('ok');
    expect(String(await first)).toBe('ok');
  });

  it('rejects wrong arguments before sending anything', async () => {
    const req = sockets.add(new Req());
    await expect(req.request(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(req.request('x', { timeout: -5 })).rejects.toThrow(RangeError);
    await expect(req.request('x', { signal: {} as AbortSignal })).rejects.toThrow(TypeError);
    expect(req.statistics().messagesSent).toBe(0);
  });

  it('rejects pending requests with EBADF when the socket closes', async () => {
    const req = sockets.add(new Req());
    req.connect(`inproc://nobody-${process.pid}`);
    const pending = Promise.all([codeOf(req.request('a')), codeOf(req.request('b'))]);
    await sleep(10);
    await req.close();
    expect(await pending).toEqual(['EBADF', 'EBADF']);
  });
});
