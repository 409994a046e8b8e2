// Type-level tests of @nanomsg-ts/reqrep: Req and Rep send and receive,
// request() resolves with the reply, constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import {
  NanomsgError,
  Rep,
  Req,
  type RepOptions,
  type ReqOptions,
  type RequestHandler,
  type ServeOptions,
} from '@nanomsg-ts/reqrep';

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

describe('many exchanges at once', () => {
  test('concurrent is a constructor option of Req and Rep, and a read-only flag', () => {
    expectTypeOf<ReqOptions['concurrent']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RepOptions['concurrent']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf(Req).toBeConstructibleWith({ concurrent: true, resendInterval: 500 });
    expectTypeOf(Rep).toBeConstructibleWith({ concurrent: true });
    expectTypeOf<Req['concurrent']>().toEqualTypeOf<boolean>();
    const req = new Req({ concurrent: true });
    // @ts-expect-error concurrent is read-only
    req.concurrent = false;
    // @ts-expect-error concurrent is a boolean
    void new Rep({ concurrent: 'yes' });
  });

  test('Rep.serve(handler, opts) resolves with nothing; the handler returns a message or a promise of one', () => {
    expectTypeOf<Rep['serve']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Rep['serve']>().parameter(0).toEqualTypeOf<RequestHandler>();
    expectTypeOf<RequestHandler>().parameter(0).toEqualTypeOf<Buffer>();
    expectTypeOf<ServeOptions['concurrency']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ServeOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    const rep = new Rep();
    expectTypeOf(rep.serve).toBeCallableWith((request: Buffer) => `re:${request}`);
    expectTypeOf(rep.serve).toBeCallableWith(async () => new Uint8Array(1), {
      concurrency: 1,
      signal: AbortSignal.timeout(10),
      onError: (error: unknown, request: Buffer) => void [error, request],
    });
    // @ts-expect-error a number is not a message
    void rep.serve(() => 1);
    // @ts-expect-error Req has no serve
    void new Req().serve(() => 'x');
  });
});
