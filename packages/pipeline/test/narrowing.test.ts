// Run-time side of the type narrowing in @nanomsg-ts/pipeline: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { afterEach, describe, expect, test } from 'vitest';
import { Pull, Push } from '@nanomsg-ts/pipeline';

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
  test('a Push sends and has no receiving member', () => {
    const push = track(new Push({ raw }));
    for (const key of [...sending, 'sendMessage'])
      expect(typeof member(push, key)).toBe('function');
    for (const key of [...receiving, 'recvMessage']) {
      expect(key in push, String(key)).toBe(false);
      expect(member(push, key)).toBeUndefined();
    }
    expect(() => (push as unknown as { tryRecv(): unknown }).tryRecv()).toThrow(TypeError);
  });

  test('a Pull receives and has no sending member', () => {
    const pull = track(new Pull({ raw }));
    for (const key of [...receiving, 'recvMessage'])
      expect(typeof member(pull, key)).toBe('function');
    for (const key of [...sending, 'sendMessage']) {
      expect(key in pull, String(key)).toBe(false);
      expect(member(pull, key)).toBeUndefined();
    }
    expect(() => (pull as unknown as { trySend(m: string): unknown }).trySend('x')).toThrow(
      TypeError,
    );
  });
});

test('a Push is not async-iterable: for await throws TypeError', async () => {
  const push = track(new Push());
  const iterate = async (): Promise<void> => {
    for await (const m of push as unknown as AsyncIterable<Buffer>) void m;
  };
  await expect(iterate()).rejects.toThrow(TypeError);
});

test('the narrowing is on the classes, not patched onto instances', () => {
  for (const key of receiving) expect(key in Push.prototype).toBe(false);
  for (const key of sending) expect(key in Pull.prototype).toBe(false);
});
