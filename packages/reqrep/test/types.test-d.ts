// Type-level tests of @nanomsg-ts/reqrep: Req and Rep send and receive,
// request() resolves with the reply, constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import { NanomsgError, Rep, Req, type RepOptions, type ReqOptions } from '@nanomsg-ts/reqrep';

describe('Req', () => {
  test('sends and receives', () => {
    expectTypeOf<Req['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Req['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Req['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Req['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Req>().toExtend<AsyncIterable<Buffer>>();
  });

  test('request(message, opts) returns Promise<Buffer>', () => {
    expectTypeOf<Req['request']>().returns.toEqualTypeOf<Promise<Buffer>>();
    const req = new Req();
    expectTypeOf(req.request).toBeCallableWith('q');
    expectTypeOf(req.request).toBeCallableWith(new Uint8Array(1), { timeout: 100 });
    expectTypeOf(req.request).toBeCallableWith(new ArrayBuffer(1), {
      signal: AbortSignal.timeout(10),
    });
    // @ts-expect-error a number is not a message
    void req.request(1);
    // @ts-expect-error timeout is a number
    void req.request('q', { timeout: '1s' });
  });

  test('resendInterval is a number property and a constructor option', () => {
    expectTypeOf<Req['resendInterval']>().toEqualTypeOf<number>();
    expectTypeOf<ReqOptions['resendInterval']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(Req).toBeConstructibleWith({ resendInterval: 1000, sendTimeout: 10 });
    // @ts-expect-error unknown option
    void new Req({ bogus: 1 });
    // @ts-expect-error resendInterval is a number
    void new Req({ resendInterval: '1000' });
  });
});

describe('Rep', () => {
  test('sends and receives, and has no request()', () => {
    expectTypeOf<Rep['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Rep['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Rep['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Rep>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Rep>().not.toHaveProperty('request');
  });

  test('constructor options are type-checked', () => {
    expectTypeOf<ConstructorParameters<typeof Rep>[0]>().toEqualTypeOf<RepOptions | undefined>();
    // @ts-expect-error resendInterval belongs to Req
    void new Rep({ resendInterval: 1000 });
    // @ts-expect-error unknown option
    void new Rep({ bogus: 1 });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError['syscall']>().toEqualTypeOf<string>();
  });
});
