// The option table (src/option-properties.ts): each property's row agrees
// with the library's symbol table, and defineOptionProperties makes working
// accessors and constructor options from rows, for core and protocol classes.
import { describe, expect, it } from 'vitest';
import { SocketBase } from '../../src/base.js';
import { Socket } from '../../src/socket.js';
import {
  checkSocketOptions,
  defineOptionProperties,
  requireFeature,
  socketOptionTable,
  type OptionProperty,
} from '../../src/option-properties.js';
import { lib, symbol } from '../../src/symbols.js';
import { thrown } from '@nanomsg-ts/testkit';

describe('socketOptionTable', () => {
  it.each(Object.entries(socketOptionTable) as [string, OptionProperty][])(
    '%s: its option is in the symbol table with the type the row says',
    (_key, row) => {
      const info = lib().byName.get(row.option);
      expect(info?.namespace).toMatch(/^NN_NS_(SOCKET|TRANSPORT)_OPTION$/);
      if (typeof row.type === 'object') {
        expect(info!.type).toBe('int');
        for (const name of Object.values(row.type)) expect(() => symbol(name)).not.toThrow();
      } else if (row.type === 'boolean') {
        expect([info!.type, info!.unit]).toEqual(['int', 'boolean']);
      } else if (row.type === 'string') {
        expect(info!.type).toBe('string');
      } else {
        expect(info!.type).toBe('int');
        expect(info!.unit).not.toBe('boolean');
      }
      if (row.feature !== undefined) expect(lib().features).toHaveProperty(row.feature);
    },
  );

  it('every row is an accessor of every socket (on SocketBase)', () => {
    for (const key of Object.keys(socketOptionTable)) {
      const d = Object.getOwnPropertyDescriptor(SocketBase.prototype, key);
      expect(typeof d?.get, key).toBe('function');
      expect(typeof d?.set, key).toBe('function');
    }
  });
});

describe('defineOptionProperties', () => {
  // A class of a protocol package, as reqrep declares Req.resendInterval.
  interface RequesterOptionProperties {
    resend: number;
    kind: 'text' | 'binary';
  }
  interface Requester extends RequesterOptionProperties {}
  class Requester extends Socket {
    constructor(options: { resend?: number; raw?: boolean } = {}) {
      super('NN_REQ', options);
    }
  }
  defineOptionProperties<RequesterOptionProperties>(Requester, {
    resend: { option: 'NN_REQ_RESEND_IVL', type: 'number' },
    kind: {
      option: 'NN_WS_MSG_TYPE',
      type: { text: 'NN_WS_MSG_TYPE_TEXT', binary: 'NN_WS_MSG_TYPE_BINARY' },
      feature: 'websocket',
    },
  });

  it('makes get/set accessors reading and writing the option', async () => {
    const req = new Requester();
    req.resend = 1234;
    expect(req.resend).toBe(1234);
    expect(req.getOption('NN_REQ_RESEND_IVL')).toBe(1234);
    await req.close();
  });

  it('makes constructor options of them, checked like the properties', async () => {
    const req = new Requester({ resend: 250 });
    expect(req.resend).toBe(250);
    await req.close();
    expect(() => new Requester({ resend: -5 })).toThrow(RangeError);
    expect(() => new Requester({ bogus: 1 } as never)).toThrow(/unknown socket option "bogus"/);
  });

  it.runIf(lib().features.websocket)(
    'maps a symbol-valued option to names, refusing others',
    async () => {
      const req = new Requester();
      req.kind = 'text';
      expect(req.kind).toBe('text');
      expect(req.getOption('NN_WS_MSG_TYPE')).toBe(symbol('NN_WS_MSG_TYPE_TEXT'));
      expect(() => (req.kind = 'utf8' as never)).toThrow(/^kind must be "text" or "binary"$/);
      await req.close();
    },
  );

  it('a missing feature is ENOTSUP, before anything else', () => {
    expect(thrown(() => requireFeature('noSuchFeature', 'nn_getsockopt'))).toMatchObject({
      code: 'ENOTSUP',
      syscall: 'nn_getsockopt',
    });
  });
});

describe('checkSocketOptions', () => {
  it('returns raw; refuses a non-object, a non-boolean raw and names no property has', () => {
    const proto = Socket.prototype;
    expect(checkSocketOptions(proto, {})).toBe(false);
    expect(checkSocketOptions(proto, { raw: true, sendTimeout: 5 })).toBe(true);
    expect(checkSocketOptions(proto, { resendInterval: undefined } as never)).toBe(false);
    expect(() => checkSocketOptions(proto, null as never)).toThrow(TypeError);
    expect(() => checkSocketOptions(proto, { raw: 1 } as never)).toThrow(/raw must be a boolean/);
    expect(() => checkSocketOptions(proto, { resendInterval: 5 } as never)).toThrow(TypeError);
  });
});
