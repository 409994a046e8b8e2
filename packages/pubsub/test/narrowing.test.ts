// Run-time side of the type narrowing in @nanomsg-ts/pubsub: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { afterEach, describe, expect, test } from 'vitest';
import { Pub, Sub } from '@nanomsg-ts/pubsub';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
function track<T extends { close(): Promise<void> }>(socket: T): T {
  open.push(socket);
  return socket;
}

const sending = ['send', 'trySend'] as const;
const receiving = ['recv', 'tryRecv', Symbol.asyncIterator] as const;

/** Reads a member that the types may not declare. */
function member(object: object, key: PropertyKey): unknown {
  return (object as Record<PropertyKey, unknown>)[key];
}

describe.each([false, true])('raw: %s', (raw) => {
  test('a Pub sends and has no receiving member', () => {
    const pub = track(new Pub({ raw }));
    for (const key of [...sending, 'sendMessage']) expect(typeof member(pub, key)).toBe('function');
    for (const key of [...receiving, 'recvMessage', 'subscribe']) {
      expect(key in pub, String(key)).toBe(false);
      expect(member(pub, key)).toBeUndefined();
    }
    expect(() => (pub as unknown as { recv(): unknown }).recv()).toThrow(TypeError);
  });

  test('a Sub receives and has no sending member', () => {
    const sub = track(new Sub({ raw }));
    for (const key of [...receiving, 'recvMessage'])
      expect(typeof member(sub, key)).toBe('function');
    expect(typeof sub.subscribe).toBe('function');
    expect(typeof sub.unsubscribe).toBe('function');
    for (const key of [...sending, 'sendMessage']) {
      expect(key in sub, String(key)).toBe(false);
      expect(member(sub, key)).toBeUndefined();
    }
    expect(() => (sub as unknown as { send(m: string): unknown }).send('x')).toThrow(TypeError);
  });
});

test('a Pub is not async-iterable: for await throws TypeError', async () => {
  const pub = track(new Pub());
  const iterate = async (): Promise<void> => {
    for await (const m of pub as unknown as AsyncIterable<Buffer>) void m;
  };
  await expect(iterate()).rejects.toThrow(TypeError);
});

test('the narrowing is on the classes, not patched onto instances', () => {
  for (const key of receiving) expect(key in Pub.prototype).toBe(false);
  for (const key of sending) expect(key in Sub.prototype).toBe(false);
  const pub = track(new Pub());
  const sub = track(new Sub());
  expect(Object.getOwnPropertyNames(pub)).not.toContain('recv');
  expect(Object.getOwnPropertyNames(sub)).not.toContain('send');
});
