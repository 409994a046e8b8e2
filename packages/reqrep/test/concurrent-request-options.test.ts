// A concurrent Req's socket and what it sends: raw and concurrent flags, the
// resendInterval the binding keeps (read, set, constructor option, NN_REQ_RESEND_IVL,
// bad values) and the resends it drives (same request id, 32 bits with the
// top bit set), and the message types it takes, copied at the call.
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req, type RawMessage } from '@nanomsg-ts/reqrep';
import { bindAny, thrown, track } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

/** A concurrent Req connected over inproc to a raw Rep, which the test drives by hand. */
function withRawRep(resendInterval: number) {
  const rep = sockets.add(new Rep({ raw: true }));
  const req = sockets.add(new Req({ concurrent: true, resendInterval }));
  req.connect(bindAny(rep, 'inproc').address);
  return { rep, req };
}

/** The request id a raw Rep sees: the last 4 bytes of the header (the pipe's id comes before). */
const idOf = (m: RawMessage): number => m.header.readUInt32BE(m.header.length - 4);

describe('a concurrent Req', () => {
  it('is raw and concurrent (read-only); a cooked Req is neither', () => {
    const req = sockets.add(new Req({ concurrent: true }));
    expect(req.raw).toBe(true);
    expect(req.concurrent).toBe(true);
    expect(() => ((req as { concurrent: boolean }).concurrent = false)).toThrow(TypeError);
    expect(req.concurrent).toBe(true);
    const cooked = sockets.add(new Req());
    expect([cooked.raw, cooked.concurrent]).toEqual([false, false]);
    const raw = sockets.add(new Req({ raw: true }));
    expect([raw.raw, raw.concurrent]).toEqual([true, false]);
  });

  it('refuses raw: false (TypeError) and a concurrent option that is not a boolean; takes raw: true', () => {
    expect(thrown(() => new Req({ concurrent: true, raw: false }))).toBeInstanceOf(TypeError);
    for (const concurrent of ['yes', 1, null]) {
      expect(thrown(() => new Req({ concurrent } as never))).toBeInstanceOf(TypeError);
    }
    expect(sockets.add(new Req({ concurrent: true, raw: true })).concurrent).toBe(true);
  });
});

describe('resendInterval on a concurrent Req (kept by the binding)', () => {
  it("defaults to a cooked Req's default, and is read, set, given to the constructor and named NN_REQ_RESEND_IVL", () => {
    const cooked = sockets.add(new Req());
    const req = sockets.add(new Req({ concurrent: true }));
    expect(req.resendInterval).toBe(cooked.resendInterval);
    expect(req.getOption('NN_REQ_RESEND_IVL')).toBe(cooked.resendInterval);
    expect(req.getOption('NN_REQ_RESEND_IVL', 'NN_REQ')).toBe(cooked.resendInterval);
    req.resendInterval = 250;
    expect(req.resendInterval).toBe(250);
    expect(req.getOption('NN_REQ_RESEND_IVL')).toBe(250);
    req.setOption('NN_REQ_RESEND_IVL', 77);
    expect(req.resendInterval).toBe(77);
    const given = sockets.add(new Req({ concurrent: true, resendInterval: 123 }));
    expect(given.resendInterval).toBe(123);
    expect(given.getOption('NN_REQ_RESEND_IVL')).toBe(123);
    // Each socket keeps its own; the cooked default is untouched.
    expect(sockets.add(new Req({ concurrent: true })).resendInterval).toBe(cooked.resendInterval);
    expect(sockets.add(new Req()).resendInterval).toBe(cooked.resendInterval);
  });

  it('refuses bad values as a cooked Req does (RangeError, TypeError), in the constructor too', () => {
    const cooked = sockets.add(new Req());
    const req = sockets.add(new Req({ concurrent: true, resendInterval: 500 }));
    const bad: [unknown, ErrorConstructor][] = [
      [-1, RangeError],
      [1.5, RangeError],
      [NaN, RangeError],
      [Infinity, RangeError],
      [2 ** 31, RangeError],
      ['100', TypeError],
      [null, TypeError],
      [true, TypeError],
    ];
    for (const [value, type] of bad) {
      const set = (s: Req) => () => ((s as { resendInterval: unknown }).resendInterval = value);
      expect(thrown(set(cooked)), String(value)).toBeInstanceOf(type);
      expect(thrown(set(req)), String(value)).toBeInstanceOf(type);
      expect(thrown(() => req.setOption('NN_REQ_RESEND_IVL', value as number))).toBeInstanceOf(
        type,
      );
      expect(
        thrown(() => new Req({ concurrent: true, resendInterval: value as number })),
      ).toBeInstanceOf(type);
    }
    expect(req.resendInterval).toBe(500);
  });

  it('is refused with EBADF once the socket is closed', async () => {
    const req = new Req({ concurrent: true });
    await req.close();
    expect(thrown(() => req.resendInterval)).toMatchObject({ code: 'EBADF' });
    expect(thrown(() => (req.resendInterval = 100))).toMatchObject({ code: 'EBADF' });
  });

  it('resends a request whose first copy got no reply, with the same id, after resendInterval', async () => {
    const { rep, req } = withRawRep(150);
    const sent = Date.now();
    const pending = req.request('again', { timeout: 5000 });
    const first = await rep.recvMessage({ timeout: 5000 });
    const second = await rep.recvMessage({ timeout: 5000 });
    const elapsed = Date.now() - sent;
    expect(String(first.body)).toBe('again');
    expect(second.body).toEqual(first.body);
    expect(idOf(second)).toBe(idOf(first));
    expect(idOf(first)).toBeGreaterThanOrEqual(2 ** 31);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    await rep.sendMessage({ header: second.header, body: 'answered' });
    expect(String(await pending)).toBe('answered');
    // The next request has an id of its own.
    const next = req.request('next', { timeout: 5000 });
    const third = await rep.recvMessage({ timeout: 5000 });
    expect(idOf(third)).not.toBe(idOf(first));
    expect(idOf(third)).toBeGreaterThanOrEqual(2 ** 31);
    await rep.sendMessage({ header: third.header, body: 'next answered' });
    expect(String(await next)).toBe('next answered');
  });

  it('gives each of 50 requests at once an id of its own, 32 bits with the top bit set', async () => {
    const { rep, req } = withRawRep(60_000);
    const pending = Array.from({ length: 50 }, (_, i) => req.request(`q${i}`, { timeout: 5000 }));
    const got: RawMessage[] = [];
    for (let i = 0; i < 50; i++) got.push(await rep.recvMessage({ timeout: 5000 }));
    const ids = got.map(idOf);
    expect(new Set(ids).size).toBe(50);
    expect(ids.every((id) => id >= 2 ** 31 && id < 2 ** 32)).toBe(true);
    // Answered in reverse order, each still reaches its own request.
    for (const m of got.reverse())
      await rep.sendMessage({ header: m.header, body: `re:${String(m.body)}` });
    expect((await Promise.all(pending)).map(String)).toEqual(
      Array.from({ length: 50 }, (_, i) => `re:q${i}`),
    );
  });

  it('a shorter resendInterval set while a request waits applies to it', async () => {
    const { rep, req } = withRawRep(60_000);
    const pending = req.request('waiting', { timeout: 5000 });
    const first = await rep.recvMessage({ timeout: 5000 });
    const changed = Date.now();
    req.resendInterval = 100;
    const second = await rep.recvMessage({ timeout: 3000 });
    expect(Date.now() - changed).toBeLessThan(2000);
    expect(idOf(second)).toBe(idOf(first));
    await rep.sendMessage({ header: second.header, body: 'ok' });
    expect(String(await pending)).toBe('ok');
  });
});

describe('what a concurrent Req sends', () => {
  const bytes = Buffer.from('0123456789abcdef');
  // Each case: the message to pass, the bytes it stands for, and how the caller changes it after.
  const cases: [
    string,
    () => { message: string | ArrayBufferView | ArrayBuffer; expected: Buffer; change: () => void },
  ][] = [
    [
      'a string (as UTF-8)',
      () => ({ message: 'héllo ✓', expected: Buffer.from('héllo ✓'), change: () => {} }),
    ],
    [
      'a Buffer',
      () => {
        const b = Buffer.from(bytes);
        return { message: b, expected: Buffer.from(bytes), change: () => b.fill(0x58) };
      },
    ],
    [
      'a Uint8Array view with an offset',
      () => {
        const whole = new Uint8Array(bytes);
        const view = new Uint8Array(whole.buffer, 3, 7);
        return { message: view, expected: bytes.subarray(3, 10), change: () => whole.fill(0x58) };
      },
    ],
    [
      'a DataView with an offset',
      () => {
        const whole = new Uint8Array(bytes);
        const view = new DataView(whole.buffer, 5, 4);
        return { message: view, expected: bytes.subarray(5, 9), change: () => whole.fill(0x58) };
      },
    ],
    [
      'an ArrayBuffer',
      () => {
        const whole = new Uint8Array(bytes);
        return {
          message: whole.buffer,
          expected: Buffer.from(bytes),
          change: () => whole.fill(0x58),
        };
      },
    ],
  ];

  it.each(cases)(
    '%s: its bytes as at the call, resends too, though the caller changed them after',
    async (_, make) => {
      const { rep, req } = withRawRep(50);
      const { message, expected, change } = make();
      const pending = req.request(message, { timeout: 5000 });
      change();
      const first = await rep.recvMessage({ timeout: 5000 });
      const second = await rep.recvMessage({ timeout: 5000 });
      expect(first.body).toEqual(expected);
      expect(second.body).toEqual(expected);
      expect(idOf(second)).toBe(idOf(first));
      await rep.sendMessage({
        header: first.header,
        body: Buffer.concat([Buffer.from('re:'), first.body]),
      });
      expect(await pending).toEqual(Buffer.concat([Buffer.from('re:'), expected]));
    },
  );

  it('rejects (does not throw) a message that is not one and bad options: TypeError, RangeError', async () => {
    const req = sockets.add(new Req({ concurrent: true }));
    const bad: [unknown, unknown, ErrorConstructor][] = [
      [42, undefined, TypeError],
      [undefined, undefined, TypeError],
      [{}, undefined, TypeError],
      ['x', { timeout: 'soon' }, TypeError],
      ['x', { timeout: -2 }, RangeError],
      ['x', { signal: {} }, TypeError],
    ];
    const request = req.request.bind(req) as (m: unknown, o: unknown) => Promise<Buffer>;
    for (const [message, opts, type] of bad) {
      let result: Promise<Buffer> | undefined;
      expect(() => (result = request(message, opts))).not.toThrow();
      await expect(result!, `${String(message)} ${JSON.stringify(opts)}`).rejects.toBeInstanceOf(
        type,
      );
    }
    expect(req.statistics().messagesSent).toBe(0);
  });

  it('an empty message, and replies of any size, up to 1 MiB', async () => {
    const rep = sockets.add(new Rep({ concurrent: true }));
    const req = sockets.add(new Req({ concurrent: true }));
    req.connect(bindAny(rep, 'inproc').address);
    void rep.serve((r) => Buffer.alloc(Number(String(r) || '0'), 0x61));
    const sizes = [0, 1, 2048, 100_000, 2 ** 20];
    const replies = await Promise.all(
      sizes.map((n) => req.request(n === 0 ? '' : String(n), { timeout: 5000 })),
    );
    expect(replies.map((r) => r.length)).toEqual(sizes);
    expect(replies.every((r) => r.every((b) => b === 0x61))).toBe(true);
  });
});
