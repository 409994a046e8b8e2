// Type-level tests of @nanomsg-ts/pair: a Pair sends and receives; its
// constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import { NanomsgError, Pair, type Endpoint, type SocketOptions } from '@nanomsg-ts/pair';

describe('Pair', () => {
  test('sends and receives', () => {
    expectTypeOf<Pair['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Pair['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Pair['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Pair['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Pair>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Pair>().toExtend<AsyncDisposable>();
    expectTypeOf<Pair['bind']>().returns.toEqualTypeOf<Endpoint>();
    expectTypeOf(new Pair().send).toBeCallableWith(Buffer.from('x'), {
      signal: new AbortController().signal,
    });
    // @ts-expect-error a number is not a message
    void new Pair().send(1);
  });

  test('constructor options are type-checked', () => {
    expectTypeOf(Pair).toBeConstructibleWith();
    expectTypeOf(Pair).toBeConstructibleWith({ raw: true, receiveTimeout: -1, ipv4Only: false });
    expectTypeOf<ConstructorParameters<typeof Pair>[0]>().toEqualTypeOf<
      SocketOptions | undefined
    >();
    // @ts-expect-error unknown option
    void new Pair({ bogus: 1 });
    // @ts-expect-error raw is a boolean
    void new Pair({ raw: 1 });
    // @ts-expect-error deadline belongs to Surveyor
    void new Pair({ deadline: 100 });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError['code']>().toEqualTypeOf<string>();
    expectTypeOf<NanomsgError>().toExtend<Error>();
  });
});
