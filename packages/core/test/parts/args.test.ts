// The argument checks (src/args.ts): TypeError for a wrong type, RangeError
// for a value out of range, each value read once.
import { describe, expect, it } from 'vitest';
import {
  checkObject,
  checkOperationOptions,
  checkString,
  checkTimeout,
  INT_MAX,
  isBytes,
  isMessage,
  notAMessage,
} from '../../src/args.js';

describe('checkTimeout', () => {
  it("takes -1 and integers from 0 to INT_MAX (2^31 - 1, setTimeout's longest delay)", () => {
    expect(INT_MAX).toBe(2 ** 31 - 1);
    for (const ok of [-1, 0, 1, 1000, INT_MAX]) expect(checkTimeout(ok, 'timeout')).toBe(ok);
  });

  it('refuses other numbers with a RangeError naming the value, and non-numbers with a TypeError', () => {
    for (const bad of [-2, 0.5, 1.5, Number.NaN, Infinity, INT_MAX + 1]) {
      expect(() => checkTimeout(bad, 'poll: timeout')).toThrow(RangeError);
    }
    expect(() => checkTimeout(-2, 'poll: timeout')).toThrow(
      /^poll: timeout must be -1 or an integer from 0 to 2147483647 ms, not -2$/,
    );
    for (const bad of ['5', null, undefined, {}]) {
      expect(() => checkTimeout(bad, 'timeout')).toThrow(TypeError);
    }
  });
});

describe('checkOperationOptions', () => {
  it('gives { timeout, signal } for undefined, {} and given values', () => {
    const signal = new AbortController().signal;
    expect(checkOperationOptions(undefined)).toEqual({ timeout: undefined, signal: undefined });
    expect(checkOperationOptions({})).toEqual({ timeout: undefined, signal: undefined });
    expect(checkOperationOptions({ timeout: 5, signal })).toEqual({ timeout: 5, signal });
  });

  it('reads each field once', () => {
    let timeoutReads = 0;
    let signalReads = 0;
    const opts = {
      get timeout() {
        timeoutReads++;
        return 10;
      },
      get signal() {
        signalReads++;
        return undefined;
      },
    };
    checkOperationOptions(opts);
    expect([timeoutReads, signalReads]).toEqual([1, 1]);
  });

  it('refuses a non-object, a bad timeout and a non-signal', () => {
    expect(() => checkOperationOptions(null as never)).toThrow(TypeError);
    expect(() => checkOperationOptions(5 as never)).toThrow(/options must be an object/);
    expect(() => checkOperationOptions({ timeout: -3 })).toThrow(RangeError);
    expect(() => checkOperationOptions({ signal: {} as AbortSignal })).toThrow(
      /signal must be an AbortSignal/,
    );
  });
});

describe('the type checks', () => {
  it('messages are strings or bytes; bytes are views or ArrayBuffers', () => {
    for (const m of [
      '',
      'x',
      Buffer.alloc(1),
      new Uint16Array(2),
      new DataView(new ArrayBuffer(3)),
    ])
      expect(isMessage(m)).toBe(true);
    expect(isMessage(new ArrayBuffer(2))).toBe(true);
    for (const m of [1, null, undefined, {}, [1, 2]]) expect(isMessage(m)).toBe(false);
    expect(isBytes('x')).toBe(false);
    expect(notAMessage('body')).toBeInstanceOf(TypeError);
    expect(notAMessage('body').message).toMatch(/^body must be a string, Buffer/);
  });

  it('checkString and checkObject name what they check', () => {
    expect(checkString('a', 'address')).toBe('a');
    expect(() => checkString(1, 'address')).toThrow(/^address must be a string$/);
    expect(() => checkObject(null, 'options')).toThrow(/^options must be an object$/);
    expect(() => checkObject('x', 'options')).toThrow(TypeError);
  });
});
