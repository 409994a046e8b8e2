// The run-time side of the type narrowing, one suite for every protocol
// package: members a protocol cannot use are absent from its objects (not
// just hidden by the types). Each package's narrowing.test.ts calls
// `describeNarrowing` with its own classes (the testkit never imports a
// protocol package).
import { describe, expect, test } from 'vitest';
import { useTracked, type Closable } from './sockets.js';

/** A protocol class: `new Class({ raw })` makes a socket. */
export type SocketClass = (new (options?: { raw?: boolean }) => Closable) & { prototype: object };

/** One side of a one-way protocol (Push, Pub, …), and what it has beyond the common members. */
export interface OneWay {
  name: string;
  Class: SocketClass;
  /** Members beyond the sending or receiving ones that it has (e.g. Sub's `subscribe`). */
  alsoHas?: readonly string[];
  /** Members beyond the other side's that it lacks (e.g. Pub's `subscribe`). */
  alsoLacks?: readonly string[];
  /** A call of a member it lacks, `[method, ...args]`: it throws TypeError. */
  misuse: readonly [string, ...unknown[]];
}

export type NarrowingSpec =
  /** Protocols whose every class both sends and receives (Pair, Bus, Req/Rep, …). */
  | { duplex: ReadonlyArray<readonly [string, SocketClass]> }
  /** A sending and a receiving class (Push/Pull, Pub/Sub). */
  | {
      sender: OneWay;
      receiver: OneWay;
      /** Also check that fresh instances have no own `recv` / `send`. */
      checkInstances?: boolean;
    };

export const sending = ['send', 'trySend'] as const;
export const receiving = ['recv', 'tryRecv', Symbol.asyncIterator] as const;

/** Reads a member that the types may not declare. */
function member(object: object, key: PropertyKey): unknown {
  return (object as Record<PropertyKey, unknown>)[key];
}

/** Defines the narrowing tests of one protocol package. */
export function describeNarrowing(spec: NarrowingSpec): void {
  const track = useTracked();
  if ('duplex' in spec) describeDuplex(track, spec.duplex);
  else describeOneWay(track, spec.sender, spec.receiver, spec.checkInstances ?? false);
}

function describeDuplex(
  track: <T extends Closable>(socket: T) => T,
  classes: ReadonlyArray<readonly [string, SocketClass]>,
): void {
  describe.each([false, true])('raw: %s', (raw) => {
    test.each(classes)('a %s both sends and receives', (_name, Class) => {
      const socket = track(new Class({ raw }));
      for (const key of [...sending, ...receiving])
        expect(typeof member(socket, key), String(key)).toBe('function');
    });
  });

  test('the classes have the members on their prototypes', () => {
    for (const [, Class] of classes) {
      for (const key of [...sending, ...receiving])
        expect(key in Class.prototype, String(key)).toBe(true);
    }
  });
}

function describeOneWay(
  track: <T extends Closable>(socket: T) => T,
  sender: OneWay,
  receiver: OneWay,
  checkInstances: boolean,
): void {
  const sendSide = [...sending, 'sendMessage'];
  const recvSide = [...receiving, 'recvMessage'];
  /** The members `side` has and lacks; `misuse` of a lacking one throws TypeError. */
  const checkSide = (socket: object, side: OneWay, has: PropertyKey[], lacks: PropertyKey[]) => {
    for (const key of has) expect(typeof member(socket, key)).toBe('function');
    for (const key of side.alsoHas ?? []) expect(typeof member(socket, key)).toBe('function');
    for (const key of [...lacks, ...(side.alsoLacks ?? [])]) {
      expect(key in socket, String(key)).toBe(false);
      expect(member(socket, key)).toBeUndefined();
    }
    const [method, ...args] = side.misuse;
    expect(() =>
      (socket as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
    ).toThrow(TypeError);
  };

  describe.each([false, true])('raw: %s', (raw) => {
    test(`a ${sender.name} sends and has no receiving member`, () => {
      checkSide(track(new sender.Class({ raw })), sender, sendSide, recvSide);
    });

    test(`a ${receiver.name} receives and has no sending member`, () => {
      checkSide(track(new receiver.Class({ raw })), receiver, recvSide, sendSide);
    });
  });

  test(`a ${sender.name} is not async-iterable: for await throws TypeError`, async () => {
    const socket = track(new sender.Class());
    const iterate = async (): Promise<void> => {
      for await (const m of socket as unknown as AsyncIterable<Buffer>) void m;
    };
    await expect(iterate()).rejects.toThrow(TypeError);
  });

  test('the narrowing is on the classes, not patched onto instances', () => {
    for (const key of receiving) expect(key in sender.Class.prototype).toBe(false);
    for (const key of sending) expect(key in receiver.Class.prototype).toBe(false);
    if (!checkInstances) return;
    expect(Object.getOwnPropertyNames(track(new sender.Class()))).not.toContain('recv');
    expect(Object.getOwnPropertyNames(track(new receiver.Class()))).not.toContain('send');
  });
}
