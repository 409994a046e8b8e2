// Type-level tests of @nanomsg-ts/bus: a Bus sends and receives; its
// constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import { Bus, NanomsgError, type SocketOptions } from '@nanomsg-ts/bus';

describe('Bus', () => {
  test('sends and receives', () => {
    expectTypeOf<Bus['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Bus['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Bus['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Bus['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Bus>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Bus>().toHaveProperty(Symbol.asyncIterator);
  });

  test('constructor options are type-checked', () => {
    expectTypeOf(Bus).toBeConstructibleWith({ maxTtl: 4, name: 'node' });
    expectTypeOf<ConstructorParameters<typeof Bus>[0]>().toEqualTypeOf<SocketOptions | undefined>();
    // @ts-expect-error unknown option
    void new Bus({ bogus: 1 });
    // @ts-expect-error name is a string
    void new Bus({ name: 5 });
    // @ts-expect-error resendInterval belongs to Req
    void new Bus({ resendInterval: 10 });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError['errno']>().toEqualTypeOf<number>();
  });
});
