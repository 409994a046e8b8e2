// How each request of a concurrent Req settles on its own among many: its
// timeout (ETIMEDOUT), its signal (the reason), the socket's close (EBADF),
// a late reply that is dropped, and requests made before any Rep is there.
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import {
  address,
  bindAny,
  codeOf,
  sleep,
  state,
  track,
  waitFor,
  type Transport,
} from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

/** A concurrent Req connected over inproc to a concurrent Rep (not yet serving). */
function pair(reqOptions: { resendInterval?: number; receiveTimeout?: number } = {}) {
  const rep = sockets.add(new Rep({ concurrent: true }));
  const req = sockets.add(new Req({ concurrent: true, ...reqOptions }));
  req.connect(bindAny(rep, 'inproc').address);
  return { rep, req };
}

const echo = (request: Buffer): Buffer => Buffer.concat([Buffer.from('re:'), request]);

/** How each request ended: its reply as a string, or its error. */
type Outcome = { value: string } | { error: unknown };
const settle = (p: Promise<Buffer>): Promise<Outcome> =>
  p.then(
    (value) => ({ value: String(value) }),
    (error: unknown) => ({ error }),
  );

describe('requests among many others that succeed', () => {
  it('time out on their own (ETIMEDOUT); their replies, late, reach nobody', async () => {
    const { rep, req } = pair();
    void rep.serve((r) =>
      String(r).startsWith('slow') ? sleep(300).then(() => echo(r)) : echo(r),
    );
    const started = Date.now();
    const slow = (i: number) => i % 10 === 0;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const body = slow(i) ? `slow${i}` : `fast${i}`;
        const timeout = slow(i) ? 100 : 10_000;
        return settle(req.request(body, { timeout })).then((o) => ({ o, at: Date.now() }));
      }),
    );
    for (const [i, { o, at }] of outcomes.entries()) {
      if (!slow(i)) expect(o).toEqual({ value: `re:fast${i}` });
      else {
        expect(o).toMatchObject({ error: { code: 'ETIMEDOUT', syscall: 'nn_recv' } });
        expect(at - started).toBeGreaterThanOrEqual(95);
      }
    }
    // The 20 late replies were sent; the next request, which reads them
    // from the library, gets its own.
    await waitFor(() => rep.statistics().messagesSent === 200, 'the late replies to go');
    expect(String(await req.request('next', { timeout: 5000 }))).toBe('re:next');
    expect(req.statistics().messagesReceived).toBe(201);
  });

  it('a late reply to a timed-out request does not settle the request made after it', async () => {
    const { rep, req } = pair();
    let releaseA!: () => void;
    let releaseB!: () => void;
    const seen: string[] = [];
    void rep.serve((r) => {
      seen.push(String(r));
      const hold = new Promise<void>((resolve) =>
        String(r) === 'A' ? (releaseA = resolve) : (releaseB = resolve),
      );
      return hold.then(() => `reply to ${String(r)}`);
    });
    await expect(req.request('A', { timeout: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const b = req.request('B', { timeout: 10_000 });
    await waitFor(() => seen.includes('B'), 'the Rep to get B');
    releaseA();
    await waitFor(() => req.statistics().messagesReceived === 1, "A's late reply to arrive");
    await sleep(20);
    expect(await state(b)).toBe('pending');
    releaseB();
    expect(String(await b)).toBe('reply to B');
  });

  it("abort on their own, with their signal's reason", async () => {
    const { rep, req } = pair();
    void rep.serve((r) =>
      String(r).startsWith('held') ? sleep(300).then(() => echo(r)) : echo(r),
    );
    const aborted = (i: number) => i % 7 === 0;
    const controllers = new Map<number, AbortController>();
    const pending = Array.from({ length: 200 }, (_, i) => {
      if (!aborted(i)) return settle(req.request(`free${i}`, { timeout: 10_000 }));
      const ac = new AbortController();
      controllers.set(i, ac);
      return settle(req.request(`held${i}`, { signal: ac.signal }));
    });
    await sleep(30);
    const reasons = new Map<number, unknown>();
    for (const [i, ac] of controllers) {
      // One without a reason: the default AbortError.
      const reason = i === 0 ? undefined : new Error(`stop ${i}`);
      ac.abort(reason);
      reasons.set(i, ac.signal.reason);
    }
    const outcomes = await Promise.all(pending);
    for (const [i, o] of outcomes.entries()) {
      if (!aborted(i)) expect(o).toEqual({ value: `re:free${i}` });
      else expect((o as { error: unknown }).error).toBe(reasons.get(i));
    }
    expect((outcomes[0] as { error: Error }).error.name).toBe('AbortError');
  });

  it('an already-aborted signal rejects at once with its reason and sends nothing', async () => {
    const { rep, req } = pair();
    let calls = 0;
    void rep.serve((r) => {
      calls++;
      return echo(r);
    });
    const reason = new Error('too late');
    const p = req.request('never', { signal: AbortSignal.abort(reason) });
    expect(await state(p)).toBe('rejected');
    await expect(p).rejects.toBe(reason);
    await sleep(50);
    expect(calls).toBe(0);
    expect(req.statistics().messagesSent).toBe(0);
    expect(String(await req.request('after', { timeout: 5000 }))).toBe('re:after');
  });

  it('without a timeout, wait sendTimeout to be sent (no Rep: ETIMEDOUT)', async () => {
    const req = sockets.add(new Req({ concurrent: true, sendTimeout: 100 }));
    req.connect(address('inproc'));
    const started = Date.now();
    await expect(req.request('nobody')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('without a timeout, wait receiveTimeout for the reply once sent', async () => {
    const { rep, req } = pair({ receiveTimeout: 100 });
    void rep.serve((r) => (String(r) === 'never' ? new Promise<string>(() => {}) : echo(r)));
    const started = Date.now();
    const [never, ok] = await Promise.all([
      settle(req.request('never')),
      settle(req.request('ok')),
    ]);
    expect(never).toMatchObject({ error: { code: 'ETIMEDOUT' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(ok).toEqual({ value: 're:ok' });
  });
});

describe('closing a concurrent Req', () => {
  it.each([
    ['held by a connected Rep', true],
    ['with no Rep to send them to', false],
  ])('rejects 500 pending requests, %s, with EBADF at once; none resolves', async (_, served) => {
    const { rep, req } = pair();
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    if (served) void rep.serve((r) => hold.then(() => echo(r)), { concurrency: 500 });
    else await rep.close();
    const requests = Array.from({ length: 500 }, (_, i) => req.request(`q${i}`));
    const outcomes = requests.map(settle);
    if (served)
      await waitFor(() => rep.statistics().messagesReceived === 500, 'the Rep to hold 500');
    else await sleep(50);
    expect(await Promise.all(requests.map((r) => state(r)))).not.toContain('resolved');
    await req.close();
    expect(new Set(await Promise.all(requests.map((r) => state(r))))).toEqual(
      new Set(['rejected']),
    );
    release();
    await sleep(50);
    for (const o of await Promise.all(outcomes)) {
      expect(o).toMatchObject({ error: { code: 'EBADF' } });
    }
    expect(
      codeOf(await settle(req.request('after')).then((o) => (o as { error: unknown }).error)),
    ).toBe('EBADF');
  });

  it('with its resend timer armed raises nothing later (the timer read resendInterval of the closed socket: an uncaught EBADF)', async () => {
    const uncaught: unknown[] = [];
    const listen = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', listen);
    try {
      const { rep, req } = pair({ resendInterval: 50 });
      void rep.serve(echo);
      expect(String(await req.request('q', { timeout: 5000 }))).toBe('re:q');
      const pending = settle(req.request('unanswered?'));
      await req.close();
      expect(await pending).toMatchObject({ error: { code: 'EBADF' } });
      await sleep(200);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', listen);
    }
  });
});

describe.each(['inproc', 'ipc', 'tcp'] as const)('over %s', (transport: Transport) => {
  it('requests made before any Rep binds are sent once one does', async () => {
    const req = sockets.add(new Req({ concurrent: true, reconnectInterval: 20 }));
    const where = address(transport);
    req.connect(where);
    const replies = Promise.all(
      Array.from({ length: 50 }, (_, i) => req.request(`early${i}`, { timeout: 10_000 })),
    );
    await sleep(100);
    expect(req.statistics().messagesSent).toBe(0);
    const rep = sockets.add(new Rep({ concurrent: true }));
    rep.bind(where);
    void rep.serve(echo);
    expect((await replies).map(String)).toEqual(
      Array.from({ length: 50 }, (_, i) => `re:early${i}`),
    );
  });

  it('requests aborted or timed out before any Rep binds are never sent', async () => {
    const req = sockets.add(new Req({ concurrent: true, reconnectInterval: 20 }));
    const where = address(transport);
    req.connect(where);
    const ac = new AbortController();
    const kinds = ['kept', 'aborted', 'timed-out'] as const;
    const outcomes = Array.from({ length: 30 }, (_, i) => {
      const kind = kinds[i % 3]!;
      const opts =
        kind === 'aborted' ? { signal: ac.signal } : kind === 'timed-out' ? { timeout: 50 } : {};
      return settle(req.request(`${kind}${i}`, opts));
    });
    ac.abort();
    await sleep(100);
    const rep = sockets.add(new Rep({ concurrent: true }));
    rep.bind(where);
    const seen: string[] = [];
    void rep.serve((r) => {
      seen.push(String(r));
      return echo(r);
    });
    for (const [i, o] of (await Promise.all(outcomes)).entries()) {
      if (i % 3 === 0) expect(o).toEqual({ value: `re:kept${i}` });
      else expect(o).toHaveProperty('error');
    }
    await sleep(100);
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, k) => `kept${k * 3}`).sort());
  });
});
