import { describe, expect, it } from 'vitest';
import { NanomsgError, symbol } from '@nanomsg-ts/core';
import {
  address,
  bindAny,
  codeOf,
  thrown,
  coreTransports as transports,
  useSockets,
  waitFor,
  type CoreTransport as Transport,
} from '@nanomsg-ts/testkit';

const open = useSockets();

/** Addresses of `transport` that nanomsg refuses, with the code it gives. */
const malformed: Record<Transport, [string, string][]> = {
  inproc: [
    ['inproc://with\0nul', 'EINVAL'],
    [`inproc://${'n'.repeat(200)}`, 'ENAMETOOLONG'],
  ],
  ipc: [
    ['ipc:///tmp/with\0nul.ipc', 'EINVAL'],
    [`ipc:///tmp/${'n'.repeat(200)}.ipc`, 'ENAMETOOLONG'],
  ],
  tcp: [
    ['tcp://127.0.0.1', 'EINVAL'],
    ['tcp://127.0.0.1:', 'EINVAL'],
    ['tcp://127.0.0.1:port', 'EINVAL'],
    ['tcp://127.0.0.1:65536', 'EINVAL'],
    ['tcp://127.0.0.1:0', 'EINVAL'],
  ],
};

describe.each(transports)('Socket endpoints over %s', (transport) => {
  it('bind: returns an Endpoint with the library id and the address, listed in endpoints', () => {
    const sock = open('NN_PAIR');
    const ep = bindAny(sock, transport);
    expect(Number.isInteger(ep.id)).toBe(true);
    expect(ep.id).toBeGreaterThanOrEqual(0);
    expect(ep.address.startsWith(`${transport}://`)).toBe(true);
    expect(typeof ep.shutdown).toBe('function');
    expect(sock.endpoints).toEqual([ep]);
  });

  it('connect: returns an Endpoint; endpoints lists bind and connect endpoints in order', () => {
    const sock = open('NN_PAIR');
    const bound = bindAny(sock, transport);
    const target = address(transport);
    const connected = sock.connect(target);
    expect(connected.address).toBe(target);
    expect(connected.id).not.toBe(bound.id);
    expect(sock.endpoints.map((e) => e.address)).toEqual([bound.address, target]);
  });

  it('endpoints: a copy, so changing it changes nothing', () => {
    const sock = open('NN_PAIR');
    bindAny(sock, transport);
    (sock.endpoints as unknown as unknown[]).length = 0;
    expect(sock.endpoints).toHaveLength(1);
  });

  it('connect before bind: messages flow once the peer binds', async () => {
    const a = open('NN_PAIR');
    const b = open('NN_PAIR', { reconnectInterval: 10 });
    let ep;
    for (let attempt = 0; ; attempt++) {
      const target = address(transport);
      b.connect(target);
      try {
        ep = a.bind(target);
        break;
      } catch (error) {
        if (codeOf(error) !== 'EADDRINUSE' || attempt > 20) throw error;
        b.endpoints.at(-1)!.shutdown();
      }
    }
    await b.send('late bind');
    expect((await a.recv({ timeout: 5000 })).toString()).toBe('late bind');
    expect(ep.address.startsWith(`${transport}://`)).toBe(true);
  });

  it('Endpoint.shutdown: removes the endpoint and frees a bound address', async () => {
    const a = open('NN_PAIR');
    const ep = bindAny(a, transport);
    const other = a.connect(address(transport));
    ep.shutdown();
    expect(a.endpoints).toEqual([other]);
    // The address is free again (the library releases a tcp listener in its
    // own thread, so give it a moment): another socket can bind it and talk over it.
    const b = open('NN_PAIR');
    const c = open('NN_PAIR');
    await waitFor(
      () => {
        try {
          b.bind(ep.address);
          return true;
        } catch (error) {
          if (codeOf(error) !== 'EADDRINUSE') throw error;
          return false;
        }
      },
      `${ep.address} to be free`,
      2000,
    );
    expect(b.endpoints.map((e) => e.address)).toEqual([ep.address]);
    c.connect(ep.address);
    await c.send('after shutdown');
    expect((await b.recv({ timeout: 5000 })).toString()).toBe('after shutdown');
  });

  it('Endpoint.shutdown: a connected endpoint stops delivering to the peer', async () => {
    const a = open('NN_PAIR');
    const b = open('NN_PAIR');
    const ep = bindAny(a, transport);
    const link = b.connect(ep.address);
    await b.send('before');
    expect((await a.recv({ timeout: 5000 })).toString()).toBe('before');
    link.shutdown();
    expect(b.endpoints).toEqual([]);
    expect(b.trySend('after')).toBe(false);
    await expect(a.recv({ timeout: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('Endpoint.shutdown twice: the library refuses the unknown endpoint with EINVAL', () => {
    const sock = open('NN_PAIR');
    const ep = bindAny(sock, transport);
    ep.shutdown();
    const error = thrown(() => ep.shutdown());
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({ code: 'EINVAL', syscall: 'nn_shutdown' });
  });

  it('address in use: a second bind throws NanomsgError EADDRINUSE with the address', () => {
    const first = open('NN_PAIR');
    const ep = bindAny(first, transport);
    const error = thrown(() => open('NN_PAIR').bind(ep.address));
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({
      code: 'EADDRINUSE',
      errno: symbol('EADDRINUSE'),
      syscall: 'nn_bind',
      address: ep.address,
    });
  });

  it.each(malformed[transport])(
    'malformed address %j: bind and connect throw %s synchronously',
    (bad, code) => {
      const sock = open('NN_PAIR');
      for (const [syscall, call] of [
        ['nn_bind', () => sock.bind(bad)],
        ['nn_connect', () => sock.connect(bad)],
      ] as const) {
        const error = thrown(call);
        expect(error).toBeInstanceOf(NanomsgError);
        expect(error).toMatchObject({ code, errno: symbol(code), syscall, address: bad });
      }
      expect(sock.endpoints).toEqual([]);
    },
  );
});

describe('Socket endpoints with an unknown transport', () => {
  it.each(['udp://127.0.0.1:5555', 'http://localhost/', 'nosuch://x'])(
    '%s: bind and connect throw NanomsgError EPROTONOSUPPORT',
    (bad) => {
      const sock = open('NN_PAIR');
      expect(thrown(() => sock.bind(bad))).toMatchObject({
        code: 'EPROTONOSUPPORT',
        syscall: 'nn_bind',
        address: bad,
      });
      expect(thrown(() => sock.connect(bad))).toMatchObject({
        code: 'EPROTONOSUPPORT',
        syscall: 'nn_connect',
        address: bad,
      });
    },
  );

  it('no scheme at all: EINVAL', () => {
    const sock = open('NN_PAIR');
    expect(thrown(() => sock.bind('127.0.0.1:5555'))).toMatchObject({ code: 'EINVAL' });
    expect(thrown(() => sock.connect(''))).toMatchObject({ code: 'EINVAL' });
  });

  it('wrong argument types: TypeError before the library', () => {
    const sock = open('NN_PAIR');
    for (const bad of [42, undefined, null, {}, Buffer.from('inproc://x')]) {
      expect(() => sock.bind(bad as unknown as string)).toThrow(TypeError);
      expect(() => sock.connect(bad as unknown as string)).toThrow(TypeError);
    }
    expect(sock.endpoints).toEqual([]);
  });
});
