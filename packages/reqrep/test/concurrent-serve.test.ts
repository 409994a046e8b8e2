// Rep.serve at work: how many handlers run at once (a concurrent Rep's cap,
// and that it takes nothing more from the library while full; a cooked Rep's
// one at a time), handlers that fail (no reply, onError, a process warning by
// default, the Req's resend answered), and how serving ends (signal, close).
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, sleep, state, track, waitFor } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

/** A concurrent Req connected over inproc to a new Rep (concurrent or cooked). */
function pair(concurrent: boolean, reqOptions: { resendInterval?: number } = {}) {
  const rep = sockets.add(new Rep({ concurrent }));
  const req = sockets.add(new Req({ concurrent: true, ...reqOptions }));
  req.connect(bindAny(rep, 'inproc').address);
  return { rep, req };
}

/** A promise that handlers wait on until `open()`. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Counts the handlers running now and the most seen at once. */
function meter() {
  const m = { running: 0, max: 0, calls: 0 };
  const around = async <T>(body: () => Promise<T>): Promise<T> => {
    m.calls++;
    m.max = Math.max(m.max, ++m.running);
    try {
      return await body();
    } finally {
      m.running--;
    }
  };
  return Object.assign(m, { around });
}

const echo = (request: Buffer): Buffer => Buffer.concat([Buffer.from('re:'), request]);

/** `n` requests at once; resolves with the replies as strings. */
function many(req: Req, n: number, prefix = 'q'): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => req.request(`${prefix}${i}`, { timeout: 10_000 })),
  ).then((replies) => replies.map(String));
}

const expected = (n: number, prefix = 'q') =>
  Array.from({ length: n }, (_, i) => `re:${prefix}${i}`);

describe('how many handlers run at once', () => {
  it('a concurrent Rep with concurrency 8 never runs more than 8, and does reach 8 (200 requests)', async () => {
    const { rep, req } = pair(true);
    const m = meter();
    void rep.serve((r) => m.around(() => sleep(1 + (r[r.length - 1]! % 5)).then(() => echo(r))), {
      concurrency: 8,
    });
    expect(await many(req, 200)).toEqual(expected(200));
    expect(m.max).toBe(8);
    expect(m.calls).toBe(200);
  });

  it('a concurrent Rep runs up to 64 by default', async () => {
    const { rep, req } = pair(true);
    const m = meter();
    const g = gate();
    void rep.serve((r) => m.around(() => g.wait.then(() => echo(r))));
    const replies = many(req, 100);
    await waitFor(() => m.running === 64, '64 handlers to run');
    await sleep(50);
    expect(m.running).toBe(64);
    g.open();
    expect(await replies).toEqual(expected(100));
    expect(m.max).toBe(64);
  });

  it('while full, a concurrent Rep takes nothing more from the library (messagesReceived stays at the cap)', async () => {
    const { rep, req } = pair(true);
    const m = meter();
    const g = gate();
    void rep.serve((r) => m.around(() => g.wait.then(() => echo(r))), { concurrency: 8 });
    const replies = many(req, 50);
    await waitFor(() => req.statistics().messagesSent === 50, 'the Req to send all 50');
    await waitFor(() => m.running === 8, '8 handlers to run');
    const cpu = process.cpuUsage();
    await sleep(200);
    // The 42 others wait in the library, not in the binding, which does not
    // spin on the readable socket meanwhile.
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(100);
    expect(m.running).toBe(8);
    expect(rep.statistics().messagesReceived).toBeLessThanOrEqual(8);
    g.open();
    expect(await replies).toEqual(expected(50));
    expect(rep.statistics().messagesReceived).toBe(50);
    expect(m.max).toBe(8);
  });

  it('a cooked Rep runs one handler at a time (30 requests from a concurrent Req)', async () => {
    const { rep, req } = pair(false);
    const m = meter();
    void rep.serve((r) => m.around(() => sleep(r[r.length - 1]! % 3).then(() => echo(r))));
    expect(await many(req, 30)).toEqual(expected(30));
    expect(m.max).toBe(1);
    expect(m.calls).toBe(30);
  });
});

describe.each([
  ['concurrent', true],
  ['cooked', false],
] as const)('a %s Rep whose handler fails', (_, concurrent) => {
  it('sends no reply for a throw, a rejection or a non-message, tells onError (error, request), and serves on', async () => {
    const { rep, req } = pair(concurrent);
    const thrown = new Error('thrown');
    const rejected = { not: 'an Error' };
    const told: { error: unknown; request: string }[] = [];
    void rep.serve(
      (r) => {
        switch (String(r)) {
          case 'throw':
            throw thrown;
          case 'reject':
            return Promise.reject(rejected);
          case 'number':
            return 42 as unknown as string;
          case 'undefined':
            return Promise.resolve(undefined as unknown as string);
          default:
            return echo(r);
        }
      },
      { onError: (error, request) => told.push({ error, request: String(request) }) },
    );
    const bad = ['throw', 'reject', 'number', 'undefined'];
    const outcomes = await Promise.allSettled(bad.map((b) => req.request(b, { timeout: 300 })));
    for (const o of outcomes) expect(o).toMatchObject({ reason: { code: 'ETIMEDOUT' } });
    expect(told.map((t) => t.request).sort()).toEqual([...bad].sort());
    const error = (request: string) => told.find((t) => t.request === request)!.error;
    expect(error('throw')).toBe(thrown);
    expect(error('reject')).toBe(rejected);
    expect(error('number')).toBeInstanceOf(TypeError);
    expect(error('undefined')).toBeInstanceOf(TypeError);
    expect(rep.statistics().messagesSent).toBe(0);
    // Serving goes on.
    expect(await many(req, 10)).toEqual(expected(10));
    expect(told).toHaveLength(bad.length);
  });

  it('without onError, emits a process warning; an onError that throws is a warning too', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      const { rep, req } = pair(concurrent);
      void rep.serve((r) => {
        if (String(r) === 'ok') return echo(r);
        throw new Error(`boom ${String(r)}`);
      });
      await expect(req.request('first', { timeout: 200 })).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
      await waitFor(() => warnings.length === 1, 'a warning');
      expect(warnings[0]!.name).toBe('NanomsgServeWarning');
      expect(warnings[0]!.message).toContain('boom first');
      expect(String(await req.request('ok', { timeout: 5000 }))).toBe('re:ok');

      const other = pair(concurrent);
      void other.rep.serve(
        () => {
          throw new Error('handler');
        },
        {
          onError: () => {
            throw new Error('onError itself');
          },
        },
      );
      await expect(other.req.request('x', { timeout: 200 })).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
      await waitFor(() => warnings.length === 2, 'a second warning');
      expect(warnings[1]!.message).toContain('onError itself');
    } finally {
      process.off('warning', listen);
    }
  });

  it("answers on the Req's resend a request whose handler failed the first time", async () => {
    const { rep, req } = pair(concurrent, { resendInterval: 100 });
    const calls = new Map<string, number>();
    let told = 0;
    void rep.serve(
      (r) => {
        const n = (calls.get(String(r)) ?? 0) + 1;
        calls.set(String(r), n);
        if (n === 1) throw new Error('first time');
        return echo(r);
      },
      { onError: () => told++ },
    );
    const started = Date.now();
    expect(await many(req, 20)).toEqual(expected(20));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(told).toBe(20);
    for (let i = 0; i < 20; i++) expect(calls.get(`q${i}`)).toBeGreaterThanOrEqual(2);
  });
});

describe.each([
  ['concurrent', true, 4],
  ['cooked', false, 1],
] as const)('serve on a %s Rep ends', (_, concurrent, cap) => {
  const opts = (signal?: AbortSignal) => (concurrent ? { concurrency: cap, signal } : { signal });

  it('when its signal aborts, once the running handlers end; what they return is still sent, and nothing more is taken', async () => {
    const { rep, req } = pair(concurrent);
    const m = meter();
    const g = gate();
    const ac = new AbortController();
    const serving = rep.serve((r) => m.around(() => g.wait.then(() => echo(r))), opts(ac.signal));
    const n = cap + 2;
    const requests = Array.from({ length: n }, (_, i) => req.request(`q${i}`, { timeout: 10_000 }));
    await waitFor(() => m.running === cap, `${cap} handler(s) to run`);
    ac.abort();
    await sleep(50);
    expect(await state(serving)).toBe('pending');
    g.open();
    await serving;
    expect(m.calls).toBe(cap);
    await sleep(50);
    const settled = await Promise.all(requests.map((r) => state(r)));
    expect(settled.filter((s) => s === 'resolved')).toHaveLength(cap);
    expect(settled.filter((s) => s === 'pending')).toHaveLength(2);
    // The rest waited in the library: serving again answers them.
    void rep.serve(echo);
    expect((await Promise.all(requests)).map(String)).toEqual(expected(n));
  });

  it('when the socket closes, once the running handlers end, and without telling onError', async () => {
    const { rep, req } = pair(concurrent);
    const m = meter();
    const g = gate();
    const told: unknown[] = [];
    const serving = rep.serve((r) => m.around(() => g.wait.then(() => echo(r))), {
      ...opts(),
      onError: (error) => told.push(error),
    });
    for (let i = 0; i < cap; i++) void req.request(`q${i}`).catch(() => {});
    await waitFor(() => m.running === cap, `${cap} handler(s) to run`);
    await rep.close();
    await sleep(50);
    expect(await state(serving)).toBe('pending');
    g.open();
    await expect(serving).resolves.toBeUndefined();
    expect(told).toEqual([]);
  });

  it('at once when its signal aborts while it waits for requests; a request after is left in the library', async () => {
    const { rep, req } = pair(concurrent);
    const ac = new AbortController();
    let calls = 0;
    const serving = rep.serve((r) => {
      calls++;
      return echo(r);
    }, opts(ac.signal));
    expect(String(await req.request('before', { timeout: 5000 }))).toBe('re:before');
    ac.abort();
    expect(await state(serving)).toBe('resolved');
    const after = req.request('after', { timeout: 5000 });
    await sleep(50);
    expect(calls).toBe(1);
    expect(rep.statistics().messagesReceived).toBe(1);
    void rep.serve(echo);
    expect(String(await after)).toBe('re:after');
  });

  it('at once, taking nothing, when its signal is already aborted', async () => {
    const { rep, req } = pair(concurrent);
    const pending = req.request('q', { timeout: 10_000 });
    await waitFor(() => req.statistics().messagesSent === 1, 'the request to go');
    let calls = 0;
    await rep.serve(() => {
      calls++;
      return 'no';
    }, opts(AbortSignal.abort()));
    await sleep(50);
    expect(calls).toBe(0);
    expect(rep.statistics().messagesReceived).toBe(0);
    void rep.serve(echo);
    expect(String(await pending)).toBe('re:q');
  });
});
