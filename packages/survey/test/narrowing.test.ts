// Run-time side of the type narrowing in @nanomsg-ts/survey: members a protocol
// cannot use are absent from its objects (not just hidden by the types).
import { afterEach, describe, expect, test } from 'vitest';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';

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
  test.each([
    ['Surveyor', Surveyor],
    ['Respondent', Respondent],
  ] as const)('a %s both sends and receives', (_name, Class) => {
    const socket = track(new Class({ raw }));
    for (const key of [...sending, ...receiving])
      expect(typeof member(socket, key), String(key)).toBe('function');
  });
});

test('the classes have the members on their prototypes', () => {
  for (const Class of [Surveyor, Respondent]) {
    for (const key of [...sending, ...receiving])
      expect(key in Class.prototype, String(key)).toBe(true);
  }
});
