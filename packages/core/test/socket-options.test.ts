import { describe, expect, it } from 'vitest';
import {
  features,
  NanomsgError,
  Socket,
  symbol,
  type SocketOptionProperties,
} from '@nanomsg-ts/core';
import { address, sleep, thrown, useSockets } from '@nanomsg-ts/testkit';

const open = useSockets();

type NumberKeys = {
  [K in keyof SocketOptionProperties]: SocketOptionProperties[K] extends number ? K : never;
}[keyof SocketOptionProperties];

/** Each numeric option property, its nanomsg name, and a value other than the default. */
const numeric: [NumberKeys, string, number][] = [
  ['sendBufferSize', 'NN_SNDBUF', 262_144],
  ['receiveBufferSize', 'NN_RCVBUF', 65_536],
  ['sendTimeout', 'NN_SNDTIMEO', 1234],
  ['receiveTimeout', 'NN_RCVTIMEO', 2345],
  ['reconnectInterval', 'NN_RECONNECT_IVL', 250],
  ['reconnectIntervalMax', 'NN_RECONNECT_IVL_MAX', 5000],
  ['sendPriority', 'NN_SNDPRIO', 3],
  ['receivePriority', 'NN_RCVPRIO', 12],
  ['receiveMaxSize', 'NN_RCVMAXSIZE', 4096],
  ['maxTtl', 'NN_MAXTTL', 4],
];

describe('Socket option properties', () => {
  it('defaults: the library defaults of a new socket', () => {
    const sock = open('NN_PAIR');
    expect(sock.sendTimeout).toBe(-1);
    expect(sock.receiveTimeout).toBe(-1);
    expect(sock.sendPriority).toBe(8);
    expect(sock.receivePriority).toBe(8);
    expect(sock.receiveMaxSize).toBe(1024 * 1024);
    expect(sock.maxTtl).toBe(8);
    expect(sock.ipv4Only).toBe(true);
    expect(sock.tcpNoDelay).toBe(false);
    expect(sock.wsMessageType).toBe('binary');
    expect(sock.sendBufferSize).toBeGreaterThan(0);
  });

  it.each(numeric)('%s: set and read back, the same as getOption(%j)', (key, name, value) => {
    const sock = open('NN_PAIR');
    expect(sock[key]).not.toBe(value);
    sock[key] = value;
    expect(sock[key]).toBe(value);
    expect(sock.getOption(name)).toBe(value);
  });

  it('receiveMaxSize: -1 (no limit) reads back -1', () => {
    const sock = open('NN_PAIR');
    sock.receiveMaxSize = -1;
    expect(sock.receiveMaxSize).toBe(-1);
  });

  it('timeouts: -1 (no limit) reads back -1', () => {
    const sock = open('NN_PAIR', { sendTimeout: 100, receiveTimeout: 100 });
    sock.sendTimeout = -1;
    sock.receiveTimeout = -1;
    expect([sock.sendTimeout, sock.receiveTimeout]).toEqual([-1, -1]);
  });

  it('linger: accepted, and reads back 0 (ignored by nanomsg 1.1.x, see NANOMSG-NOTES)', () => {
    const sock = open('NN_PAIR');
    sock.linger = 500;
    expect(sock.linger).toBe(0);
    expect(sock.getOption('NN_LINGER')).toBe(0);
  });

  it('ipv4Only: a boolean both ways', () => {
    const sock = open('NN_PAIR');
    sock.ipv4Only = false;
    expect(sock.ipv4Only).toBe(false);
    expect(sock.getOption('NN_IPV4ONLY')).toBe(false);
    sock.ipv4Only = true;
    expect(sock.ipv4Only).toBe(true);
  });

  it('tcpNoDelay: a boolean both ways, stored at level NN_TCP', () => {
    const sock = open('NN_PAIR');
    sock.tcpNoDelay = true;
    expect(sock.tcpNoDelay).toBe(true);
    expect(sock.getOption('NN_TCP_NODELAY', 'NN_TCP')).toBe(true);
    sock.tcpNoDelay = false;
    expect(sock.tcpNoDelay).toBe(false);
  });

  it('name: a string both ways', () => {
    const sock = open('NN_PAIR');
    sock.name = 'orders-in';
    expect(sock.name).toBe('orders-in');
    expect(sock.getOption('NN_SOCKET_NAME')).toBe('orders-in');
  });

  it.runIf(features.websocket)(
    "wsMessageType: 'text' and 'binary' both ways, as NN_WS_MSG_TYPE_* at level NN_WS",
    () => {
      const sock = open('NN_PAIR');
      sock.wsMessageType = 'text';
      expect(sock.wsMessageType).toBe('text');
      expect(sock.getOption('NN_WS_MSG_TYPE')).toBe(symbol('NN_WS_MSG_TYPE_TEXT'));
      sock.wsMessageType = 'binary';
      expect(sock.wsMessageType).toBe('binary');
      expect(sock.getOption('NN_WS_MSG_TYPE', 'NN_WS')).toBe(symbol('NN_WS_MSG_TYPE_BINARY'));
    },
  );

  it('constructor options: applied like the properties', () => {
    const sock = open('NN_PAIR', {
      sendTimeout: 111,
      receiveTimeout: 222,
      name: 'from-constructor',
      tcpNoDelay: true,
      receiveMaxSize: -1,
      sendPriority: 2,
    });
    expect(sock.sendTimeout).toBe(111);
    expect(sock.receiveTimeout).toBe(222);
    expect(sock.name).toBe('from-constructor');
    expect(sock.tcpNoDelay).toBe(true);
    expect(sock.receiveMaxSize).toBe(-1);
    expect(sock.sendPriority).toBe(2);
  });
});

describe('Socket option values of the wrong type', () => {
  it('numbers: a string, a fraction, NaN or a negative size throw TypeError/RangeError and change nothing', () => {
    const sock = open('NN_PAIR');
    const before = sock.sendBufferSize;
    expect(() => (sock.sendBufferSize = '1024' as unknown as number)).toThrow(TypeError);
    expect(() => (sock.sendBufferSize = 1.5)).toThrow(RangeError);
    expect(() => (sock.sendBufferSize = Number.NaN)).toThrow(RangeError);
    expect(() => (sock.sendBufferSize = -1)).toThrow(RangeError);
    expect(() => (sock.receiveBufferSize = 0)).toThrow(RangeError);
    expect(() => (sock.receiveTimeout = -2)).toThrow(RangeError);
    expect(() => (sock.receiveMaxSize = -2)).toThrow(RangeError);
    expect(() => (sock.sendTimeout = 2 ** 31)).toThrow(RangeError);
    expect(() => (sock.sendPriority = 0)).toThrow(RangeError);
    expect(sock.sendBufferSize).toBe(before);
  });

  it('booleans and strings: wrong types throw TypeError', () => {
    const sock = open('NN_PAIR');
    expect(() => (sock.ipv4Only = 'yes' as unknown as boolean)).toThrow(TypeError);
    expect(() => (sock.tcpNoDelay = 2 as unknown as boolean)).toThrow(TypeError);
    expect(() => (sock.name = 42 as unknown as string)).toThrow(TypeError);
    expect(() => (sock.wsMessageType = 'utf8' as unknown as 'text')).toThrow(TypeError);
    expect(() => sock.setOption('NN_SOCKET_NAME', 7)).toThrow(TypeError);
    expect(() => sock.setOption('NN_SNDBUF', 'big')).toThrow(TypeError);
    expect(() => sock.setOption('NN_SNDBUF', true)).toThrow(TypeError);
    expect(sock.ipv4Only).toBe(true);
  });

  it('checked before the library: on a closed socket the TypeError/RangeError still comes first, not EBADF', async () => {
    const sock = new Socket('NN_PAIR');
    await sock.close();
    expect(() => (sock.sendBufferSize = -5)).toThrow(RangeError);
    expect(() => (sock.name = 42 as unknown as string)).toThrow(TypeError);
    expect(() => sock.setOption('NN_RCVTIMEO', 'soon')).toThrow(TypeError);
    await expect(sock.send(42 as unknown as string)).rejects.toThrow(TypeError);
    expect(() => sock.trySend({} as unknown as string)).toThrow(TypeError);
    expect(() => sock.bind(42 as unknown as string)).toThrow(TypeError);
  });

  it('values out of the library range (priority 17, maxTtl 0 and 256): RangeError, nothing changed', () => {
    const sock = open('NN_PAIR');
    expect(() => (sock.sendPriority = 17)).toThrow(RangeError);
    expect(() => (sock.maxTtl = 0)).toThrow(RangeError);
    expect(() => (sock.maxTtl = 256)).toThrow(RangeError);
    expect(sock.sendPriority).toBe(8);
    expect(sock.maxTtl).toBe(8);
  });
});

/** Each numeric option with a known range: its property, nanomsg name, lowest and highest valid value. */
const ranged: [NumberKeys, string, number, number][] = [
  ['sendPriority', 'NN_SNDPRIO', 1, 16],
  ['receivePriority', 'NN_RCVPRIO', 1, 16],
  ['maxTtl', 'NN_MAXTTL', 1, 255],
  ['reconnectInterval', 'NN_RECONNECT_IVL', 1, 2 ** 31 - 1],
  ['reconnectIntervalMax', 'NN_RECONNECT_IVL_MAX', 0, 2 ** 31 - 1],
  ['receiveMaxSize', 'NN_RCVMAXSIZE', -1, 2 ** 31 - 1],
  ['sendBufferSize', 'NN_SNDBUF', 1, 2 ** 31 - 1],
  ['receiveBufferSize', 'NN_RCVBUF', 1, 2 ** 31 - 1],
];

/** The RangeError of `apply`, checked to name the option and its range; fails on anything else. */
function rangeError(apply: () => unknown, name: string, min: number, max: number): void {
  const error = thrown(apply);
  expect(error, String(error)).toBeInstanceOf(RangeError);
  expect((error as Error).message).toContain(name);
  expect((error as Error).message).toContain(`from ${min} to ${max}`);
}

describe('Option ranges: RangeError before the C call, naming the option and its range', () => {
  it.each(ranged)(
    '%s (%s): %d and %d accepted, one past either a RangeError',
    (key, name, min, max) => {
      const sock = open('NN_PAIR');
      for (const edge of [min, max]) {
        sock[key] = edge;
        expect(sock[key]).toBe(edge);
        sock.setOption(name, edge);
        expect(sock.getOption(name)).toBe(edge);
        const made = open('NN_PAIR', { [key]: edge });
        expect(made[key]).toBe(edge);
      }
      sock[key] = min;
      for (const outside of [min - 1, max + 1]) {
        rangeError(() => (sock[key] = outside), name, min, max);
        rangeError(() => sock.setOption(name, outside), name, min, max);
        rangeError(() => new Socket('NN_PAIR', { [key]: outside }), name, min, max);
      }
      expect(sock[key]).toBe(min);
    },
  );

  it('reconnectInterval 0 is refused: the library would retry a connection without pause', () => {
    const error = thrown(() => new Socket('NN_PAIR', { reconnectInterval: 0 }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(
      /NN_RECONNECT_IVL takes an integer from 1 to .*without pause/,
    );
  });

  it('the range is checked before the library: a closed socket still gives the RangeError', async () => {
    const sock = new Socket('NN_PAIR');
    await sock.close();
    rangeError(() => (sock.sendPriority = 17), 'NN_SNDPRIO', 1, 16);
    rangeError(() => sock.setOption('NN_MAXTTL', 256), 'NN_MAXTTL', 1, 255);
  });

  it('NN_SOCKET_NAME: 63 bytes accepted, 64 a RangeError', () => {
    const sock = open('NN_PAIR');
    sock.name = 'n'.repeat(63);
    expect(sock.name).toBe('n'.repeat(63));
    expect(() => (sock.name = 'n'.repeat(64))).toThrow(RangeError);
    expect(() => sock.setOption('NN_SOCKET_NAME', 'é'.repeat(32))).toThrow(/at most 63 bytes/);
    expect(sock.name).toBe('n'.repeat(63));
  });

  it.runIf(features.websocket)('NN_WS_MSG_TYPE by name: only the NN_WS_MSG_TYPE_* values', () => {
    const sock = open('NN_PAIR');
    sock.setOption('NN_WS_MSG_TYPE', symbol('NN_WS_MSG_TYPE_TEXT'));
    expect(sock.wsMessageType).toBe('text');
    const bogus = symbol('NN_WS_MSG_TYPE_TEXT') + symbol('NN_WS_MSG_TYPE_BINARY');
    expect(() => sock.setOption('NN_WS_MSG_TYPE', bogus)).toThrow(RangeError);
    expect(sock.wsMessageType).toBe('text');
  });
});

describe('Socket.getOption/setOption by name', () => {
  it('socket options: level NN_SOL_SOCKET inferred, same as giving it', () => {
    const sock = open('NN_PAIR');
    sock.setOption('NN_SNDBUF', 200_000);
    expect(sock.getOption('NN_SNDBUF')).toBe(200_000);
    expect(sock.getOption('NN_SNDBUF', 'NN_SOL_SOCKET')).toBe(200_000);
    expect(sock.sendBufferSize).toBe(200_000);
    sock.setOption('NN_RCVTIMEO', 300, 'NN_SOL_SOCKET');
    expect(sock.receiveTimeout).toBe(300);
  });

  it('read-only socket options: NN_DOMAIN and NN_PROTOCOL tell the socket kind', () => {
    const sock = open('NN_PUB');
    expect(sock.getOption('NN_DOMAIN')).toBe(symbol('AF_SP'));
    expect(sock.getOption('NN_PROTOCOL')).toBe(symbol('NN_PUB'));
    const raw = open('NN_PAIR', { raw: true });
    expect(raw.getOption('NN_DOMAIN')).toBe(symbol('AF_SP_RAW'));
  });

  it('NN_TCP_NODELAY: level NN_TCP inferred; booleans both ways', () => {
    const sock = open('NN_PAIR');
    expect(sock.getOption('NN_TCP_NODELAY')).toBe(false);
    sock.setOption('NN_TCP_NODELAY', true);
    expect(sock.getOption('NN_TCP_NODELAY')).toBe(true);
    expect(sock.tcpNoDelay).toBe(true);
    sock.setOption('NN_TCP_NODELAY', false, 'NN_TCP');
    expect(sock.tcpNoDelay).toBe(false);
  });

  it('NN_SUB_SUBSCRIBE on a NN_SUB socket: level NN_SUB inferred; the subscription filters messages', async () => {
    const pub = open('NN_PUB');
    const sub = open('NN_SUB');
    const where = address('inproc');
    pub.bind(where);
    sub.connect(where);
    sub.setOption('NN_SUB_SUBSCRIBE', 'news.');
    sub.setOption('NN_SUB_SUBSCRIBE', new Uint8Array([0x01, 0x02]));
    await sleep(10);
    for (const m of ['weather.rain', 'news.one', 'sport', 'news.two']) await pub.send(m);
    await pub.send(Buffer.from([0x01, 0x02, 0x03]));
    await pub.send(Buffer.from([0x01, 0x09]));
    expect((await sub.recv({ timeout: 5000 })).toString()).toBe('news.one');
    expect((await sub.recv({ timeout: 5000 })).toString()).toBe('news.two');
    expect([...(await sub.recv({ timeout: 5000 }))]).toEqual([1, 2, 3]);
    await expect(sub.recv({ timeout: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    sub.setOption('NN_SUB_UNSUBSCRIBE', 'news.');
    await pub.send('news.three');
    await expect(sub.recv({ timeout: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('NN_SUB_SUBSCRIBE is set-only: reading it gives NanomsgError ENOPROTOOPT', () => {
    const sub = open('NN_SUB');
    const error = thrown(() => sub.getOption('NN_SUB_SUBSCRIBE'));
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({ code: 'ENOPROTOOPT', syscall: 'nn_getsockopt' });
  });

  it('protocol options: NN_REQ_RESEND_IVL at level NN_REQ, NN_SURVEYOR_DEADLINE at NN_SURVEYOR', () => {
    const req = open('NN_REQ');
    expect(req.getOption('NN_REQ_RESEND_IVL')).toBe(60_000);
    req.setOption('NN_REQ_RESEND_IVL', 1500);
    expect(req.getOption('NN_REQ_RESEND_IVL', 'NN_REQ')).toBe(1500);
    const surveyor = open('NN_SURVEYOR');
    expect(surveyor.getOption('NN_SURVEYOR_DEADLINE')).toBe(1000);
    surveyor.setOption('NN_SURVEYOR_DEADLINE', 250);
    expect(surveyor.getOption('NN_SURVEYOR_DEADLINE')).toBe(250);
  });

  it('unknown option names: NanomsgError ENOPROTOOPT; non-option symbols too', () => {
    const sock = open('NN_PAIR');
    for (const name of ['NN_NO_SUCH_OPTION', 'NN_PAIR', 'EINVAL']) {
      expect(thrown(() => sock.getOption(name))).toMatchObject({ code: 'ENOPROTOOPT' });
      expect(thrown(() => sock.setOption(name, 1))).toMatchObject({ code: 'ENOPROTOOPT' });
    }
  });

  it('an option of another protocol: the library refuses it with ENOPROTOOPT', () => {
    const pair = open('NN_PAIR');
    expect(thrown(() => pair.setOption('NN_SUB_SUBSCRIBE', 'x'))).toMatchObject({
      code: 'ENOPROTOOPT',
    });
    expect(thrown(() => pair.getOption('NN_REQ_RESEND_IVL'))).toMatchObject({
      code: 'ENOPROTOOPT',
    });
  });

  it('wrong argument types: TypeError', () => {
    const sock = open('NN_PAIR');
    expect(() => sock.getOption(42 as unknown as string)).toThrow(TypeError);
    expect(() => sock.setOption(undefined as unknown as string, 1)).toThrow(TypeError);
    expect(() => sock.getOption('NN_SNDBUF', 1 as unknown as string)).toThrow(TypeError);
  });
});

describe('Socket identity', () => {
  it('id, protocol, raw and closed of a cooked socket', () => {
    const sock = open('NN_PUSH');
    expect(Number.isInteger(sock.id)).toBe(true);
    expect(sock.id).toBeGreaterThanOrEqual(0);
    expect(sock.protocol).toBe('NN_PUSH');
    expect(sock.raw).toBe(false);
    expect(sock.closed).toBe(false);
  });

  it('raw: true for a raw socket, which still sends and receives', async () => {
    const a = open('NN_PAIR', { raw: true });
    const b = open('NN_PAIR', { raw: true });
    expect(a.raw).toBe(true);
    const where = address('inproc');
    a.bind(where);
    b.connect(where);
    await b.send('raw pair');
    expect((await a.recv({ timeout: 5000 })).toString()).toBe('raw pair');
  });

  it('ids: different for sockets open at the same time', () => {
    const ids = new Set([open('NN_PAIR'), open('NN_PAIR'), open('NN_BUS')].map((s) => s.id));
    expect(ids.size).toBe(3);
  });

  it('every protocol of the symbol table opens', () => {
    const sock = open('NN_SURVEYOR');
    expect(sock.protocol).toBe('NN_SURVEYOR');
    for (const p of [
      'NN_PAIR',
      'NN_PUB',
      'NN_SUB',
      'NN_REQ',
      'NN_REP',
      'NN_PUSH',
      'NN_PULL',
      'NN_RESPONDENT',
      'NN_BUS',
    ]) {
      expect(open(p).getOption('NN_PROTOCOL')).toBe(symbol(p));
    }
  });

  it('unknown protocol: NanomsgError EINVAL, also for a symbol that is no protocol', () => {
    for (const p of ['NN_NOPE', 'NN_SNDBUF', 'nn_pair']) {
      const error = thrown(() => new Socket(p));
      expect(error).toBeInstanceOf(NanomsgError);
      expect(error).toMatchObject({ code: 'EINVAL' });
    }
  });

  it('wrong constructor arguments: TypeError', () => {
    expect(() => new Socket(1 as unknown as string)).toThrow(TypeError);
    expect(() => new Socket('NN_PAIR', 'raw' as unknown as object)).toThrow(TypeError);
    expect(() => new Socket('NN_PAIR', { raw: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => new Socket('NN_PAIR', { notAnOption: 1 } as unknown as object)).toThrow(TypeError);
    expect(() => new Socket('NN_PAIR', { sendTimeout: 'soon' as unknown as number })).toThrow(
      TypeError,
    );
  });
});
