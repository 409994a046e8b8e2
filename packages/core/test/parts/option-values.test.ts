// A socket's option reads and writes (src/option-values.ts): values checked
// before the C call, and the values the send and receive paths read on every
// operation kept until an option is set.
import { describe, expect, it } from 'vitest';
import { OptionValues } from '../../src/option-values.js';
import { optionSpec } from '../../src/options.js';
import { lib, symbol } from '../../src/symbols.js';
import { nativeSocket } from './native.js';

const set = (name: string) => optionSpec(name, 'nn_setsockopt');
const get = (name: string) => optionSpec(name, 'nn_getsockopt');

describe('OptionValues', () => {
  it('gets and sets by spec: numbers, booleans, strings', () => {
    const values = new OptionValues(nativeSocket('NN_PAIR'), undefined, () => {});
    values.set(set('NN_SNDBUF'), 262_144);
    expect(values.get(get('NN_SNDBUF'))).toBe(262_144);
    values.set(set('NN_TCP_NODELAY'), true);
    expect(values.get(get('NN_TCP_NODELAY'))).toBe(true);
    values.set(set('NN_SOCKET_NAME'), 'parts');
    expect(values.get(get('NN_SOCKET_NAME'))).toBe('parts');
    expect(() => values.set(set('NN_SNDPRIO'), 17)).toThrow(RangeError);
  });

  it('keeps sendTimeout and receiveTimeout until any option is set', () => {
    const native = nativeSocket('NN_PAIR');
    const values = new OptionValues(native, undefined, () => {});
    expect([values.sendTimeout(), values.receiveTimeout()]).toEqual([-1, -1]);
    // Behind its back: the kept values stay as they were read.
    native.setIntOption(symbol('NN_SOL_SOCKET'), symbol('NN_SNDTIMEO'), 500);
    expect(values.sendTimeout()).toBe(-1);
    // Any set reads them again.
    values.set(set('NN_RCVTIMEO'), 700);
    expect([values.sendTimeout(), values.receiveTimeout()]).toEqual([500, 700]);
  });

  it.runIf(lib().features.websocket)('wsText follows NN_WS_MSG_TYPE', () => {
    const values = new OptionValues(nativeSocket('NN_PAIR'), undefined, () => {});
    expect(values.wsText()).toBe(false);
    values.set(set('NN_WS_MSG_TYPE'), symbol('NN_WS_MSG_TYPE_TEXT'));
    expect(values.wsText()).toBe(true);
  });
});
