import { describe, expect, it } from 'vitest';
import { NanomsgError, Socket, symbol } from '@nanomsg-ts/core';
import { bindAny, nativeAddon, rejection, thrown, useSockets } from '@nanomsg-ts/testkit';

const open = useSockets();

describe('NanomsgError from a failed bind', () => {
  it('fields: code, errno of that code, syscall nn_bind and the address', () => {
    const sock = open('NN_PAIR');
    const error = thrown(() => sock.bind('nosuchtransport://somewhere'));
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'NanomsgError',
      code: 'EPROTONOSUPPORT',
      errno: symbol('EPROTONOSUPPORT'),
      syscall: 'nn_bind',
      address: 'nosuchtransport://somewhere',
    });
  });

  it('message: the text of nn_strerror for its errno', () => {
    const first = open('NN_PAIR');
    const ep = bindAny(first, 'tcp');
    const error = thrown(() => open('NN_PAIR').bind(ep.address)) as NanomsgError;
    expect(error.code).toBe('EADDRINUSE');
    expect(error.errno).toBe(symbol('EADDRINUSE'));
    const text = nativeAddon().strerror(error.errno);
    expect(text.length).toBeGreaterThan(0);
    expect(error.message).toContain(text);
    expect(error.address).toBe(ep.address);
  });
});

describe('NanomsgError from a failed connect', () => {
  it('fields: syscall nn_connect and the address', () => {
    const error = thrown(() => open('NN_PAIR').connect('tcp://127.0.0.1:notaport'));
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({
      code: 'EINVAL',
      errno: symbol('EINVAL'),
      syscall: 'nn_connect',
      address: 'tcp://127.0.0.1:notaport',
    });
    expect((error as Error).message).toContain(nativeAddon().strerror(symbol('EINVAL')));
  });
});

describe('NanomsgError raised by the binding', () => {
  it('ETIMEDOUT from recv: errno of ETIMEDOUT, syscall nn_recv, no address', async () => {
    const sock = open('NN_PAIR');
    const error = (await rejection(sock.recv({ timeout: 1 }))) as NanomsgError;
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.errno).toBe(symbol('ETIMEDOUT'));
    expect(error.syscall).toBe('nn_recv');
    expect(error.address).toBeUndefined();
    expect(error.message).toContain(nativeAddon().strerror(symbol('ETIMEDOUT')));
  });

  it('EBADF after close: errno of EBADF, syscall of the operation', async () => {
    const sock = new Socket('NN_PAIR');
    await sock.close();
    const error = (await rejection(sock.send('x'))) as NanomsgError;
    expect(error).toMatchObject({ code: 'EBADF', errno: symbol('EBADF'), syscall: 'nn_send' });
  });
});

describe('NanomsgError.isInstance and instanceof', () => {
  it('true for a NanomsgError, false for look-alikes', () => {
    const real = new NanomsgError('Invalid argument', 'EINVAL', symbol('EINVAL'), 'nn_setsockopt');
    expect(NanomsgError.isInstance(real)).toBe(true);
    expect(real instanceof NanomsgError).toBe(true);
    const lookAlike = Object.assign(new Error('Invalid argument'), {
      code: 'EINVAL',
      errno: symbol('EINVAL'),
      syscall: 'nn_setsockopt',
    });
    for (const value of [lookAlike, null, undefined, 'EINVAL', {}, { code: 'EINVAL' }]) {
      expect(NanomsgError.isInstance(value)).toBe(false);
      expect(value instanceof NanomsgError).toBe(false);
    }
  });

  it('constructor: message prefixed by syscall and address, fields kept', () => {
    const e = new NanomsgError(
      'Address in use',
      'EADDRINUSE',
      symbol('EADDRINUSE'),
      'nn_bind',
      'tcp://x:1',
    );
    expect(e.message).toContain('Address in use');
    expect(e.message).toContain('nn_bind');
    expect(e.message).toContain('tcp://x:1');
    expect(e).toMatchObject({
      code: 'EADDRINUSE',
      errno: symbol('EADDRINUSE'),
      syscall: 'nn_bind',
      address: 'tcp://x:1',
    });
    expect(typeof e.stack).toBe('string');
  });
});
