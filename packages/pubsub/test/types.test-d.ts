// Type-level tests of @nanomsg-ts/pubsub: a Pub cannot receive, a Sub cannot
// send, subscriptions take strings or bytes, constructor options are checked.
import { describe, expectTypeOf, test } from 'vitest';
import { NanomsgError, Pub, Sub, type SubOptions, type Topic } from '@nanomsg-ts/pubsub';

describe('Pub', () => {
  test('sends, and has no receiving member', () => {
    expectTypeOf<Pub>().toHaveProperty('send');
    expectTypeOf<Pub>().toHaveProperty('trySend');
    expectTypeOf<Pub['send']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Pub['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Pub>().not.toHaveProperty('recv');
    expectTypeOf<Pub>().not.toHaveProperty('tryRecv');
    expectTypeOf<Pub>().not.toHaveProperty(Symbol.asyncIterator);
    expectTypeOf<Pub>().not.toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Pub>().not.toHaveProperty('subscribe');
    expectTypeOf<Pub>().not.toHaveProperty('doRecv');
    const pub = new Pub();
    // @ts-expect-error a Pub has no recv
    void pub.recv();
    // @ts-expect-error a Pub has no tryRecv
    void pub.tryRecv();
    expectTypeOf(pub.send).toBeCallableWith('text');
    expectTypeOf(pub.send).toBeCallableWith(new Uint8Array(2), { timeout: 10 });
    expectTypeOf(pub.send).toBeCallableWith(new ArrayBuffer(2));
  });

  test('constructor options are type-checked', () => {
    expectTypeOf(Pub).toBeConstructibleWith();
    expectTypeOf(Pub).toBeConstructibleWith({
      raw: true,
      sendTimeout: 100,
      name: 'p',
      tcpNoDelay: true,
    });
    // @ts-expect-error unknown option
    void new Pub({ bogus: 1 });
    // @ts-expect-error sendTimeout is a number
    void new Pub({ sendTimeout: '100' });
    // @ts-expect-error wsMessageType is 'text' or 'binary'
    void new Pub({ wsMessageType: 'json' });
    // @ts-expect-error subscribe belongs to Sub
    void new Pub({ subscribe: ['a'] });
  });
});

describe('Sub', () => {
  test('receives, and has no sending member', () => {
    expectTypeOf<Sub['recv']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<Sub['tryRecv']>().returns.toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<Sub>().toExtend<AsyncIterable<Buffer>>();
    expectTypeOf<Sub>().not.toHaveProperty('send');
    expectTypeOf<Sub>().not.toHaveProperty('trySend');
    expectTypeOf<Sub>().not.toHaveProperty('doSend');
    const sub = new Sub();
    // @ts-expect-error a Sub has no send
    void sub.send('x');
    // @ts-expect-error a Sub has no trySend
    void sub.trySend('x');
  });

  test('subscribe and unsubscribe take string | ArrayBufferView, or nothing', () => {
    expectTypeOf<Topic>().toEqualTypeOf<string | ArrayBufferView>();
    expectTypeOf<Sub['subscribe']>()
      .parameter(0)
      .toEqualTypeOf<string | ArrayBufferView | undefined>();
    expectTypeOf<Sub['unsubscribe']>()
      .parameter(0)
      .toEqualTypeOf<string | ArrayBufferView | undefined>();
    expectTypeOf<Sub['subscribe']>().returns.toEqualTypeOf<void>();
    const sub = new Sub();
    expectTypeOf(sub.subscribe).toBeCallableWith('news.');
    expectTypeOf(sub.subscribe).toBeCallableWith(new Uint8Array([1]));
    expectTypeOf(sub.subscribe).toBeCallableWith(Buffer.from('x'));
    expectTypeOf(sub.subscribe).toBeCallableWith(new DataView(new ArrayBuffer(1)));
    expectTypeOf(sub.subscribe).toBeCallableWith();
    // @ts-expect-error a number is not a topic
    sub.subscribe(42);
    // @ts-expect-error an ArrayBuffer is not an ArrayBufferView
    sub.unsubscribe(new ArrayBuffer(1));
  });

  test('constructor options are type-checked', () => {
    expectTypeOf<SubOptions['subscribe']>().toEqualTypeOf<
      (string | ArrayBufferView)[] | undefined
    >();
    expectTypeOf(Sub).toBeConstructibleWith({
      subscribe: ['a', new Uint8Array([1])],
      receiveTimeout: 5,
    });
    // @ts-expect-error topics are strings or bytes
    void new Sub({ subscribe: [1] });
    // @ts-expect-error subscribe takes an array
    void new Sub({ subscribe: 'a' });
    // @ts-expect-error unknown option
    void new Sub({ subscription: ['a'] });
  });

  test('NanomsgError is re-exported', () => {
    expectTypeOf<NanomsgError['code']>().toEqualTypeOf<string>();
    expectTypeOf<NanomsgError>().toExtend<Error>();
  });
});
