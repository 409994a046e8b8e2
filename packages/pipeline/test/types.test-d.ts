// Type-level tests of @nanomsg-ts/pipeline: a Push cannot receive, a Pull
// cannot send; constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import { NanomsgError, Pull, Push, type SocketOptions } from '@nanomsg-ts/pipeline';

describe('Push', () => {
  test('sends, and has no receiving member', () => {
    expectTypeOf<Push['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Push['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Push>().not.toHaveProperty('recv');
    expectTypeOf<Push>().not.toHaveProperty('tryRecv');
    expectTypeOf<Push>().not.toHaveProperty(Symbol.asyncIterator);
    expectTypeOf<Push>().not.toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Push>().not.toHaveProperty('recvMessage');
    const push = new Push();
    // @ts-expect-error a Push has no recv
    void push.recv();
    const iterate = async (): Promise<void> => {
      // @ts-expect-error a Push cannot be iterated
      for await (const m of push) void m;
    };
    void iterate;
  });

  test('constructor options are type-checked', () => {
    expectTypeOf(Push).toBeConstructibleWith({ sendPriority: 1, sendBufferSize: 1024 });
    expectTypeOf<ConstructorParameters<typeof Push>[0]>().toEqualTypeOf<
      SocketOptions | undefined
    >();
    // @ts-expect-error unknown option
    void new Push({ bogus: 1 });
    // @ts-expect-error sendPriority is a number
    void new Push({ sendPriority: 'high' });
  });
});

describe('Pull', () => {
  test('receives, and has no sending member', () => {
    expectTypeOf<Pull['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Pull['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Pull>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Pull>().not.toHaveProperty('send');
    expectTypeOf<Pull>().not.toHaveProperty('trySend');
    expectTypeOf<Pull>().not.toHaveProperty('sendMessage');
    const pull = new Pull();
    // @ts-expect-error a Pull has no send
    void pull.send('x');
    // @ts-expect-error a Pull has no trySend
    void pull.trySend('x');
  });

  test('constructor options are type-checked', () => {
    expectTypeOf(Pull).toBeConstructibleWith({ receiveMaxSize: -1, receivePriority: 2 });
    // @ts-expect-error unknown option
    void new Pull({ bogus: 1 });
    // @ts-expect-error receiveMaxSize is a number
    void new Pull({ receiveMaxSize: true });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError>().toExtend<Error>();
  });
});
