// Smoke tests of the compiled addon: one per function and method that
// native/index.d.cts declares, against the real library.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type * as NativeTypes from '@nanomsg-ts/native';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = createRequire(join(nativeDir, 'package.json'))(
  '@nanomsg-ts/native',
) as typeof NativeTypes;

type NativeSocket = NativeTypes.Socket;

/** The addon's own readiness bits (its `events` export), not nanomsg values. */
const { readable: READABLE, writable: WRITABLE } = native.events;

const table = new Map(native.symbols().map((row) => [row[0], row]));
/** A nanomsg value by name, from the library's own symbol table. */
function sym(name: string): number {
  const row = table.get(name);
  if (row === undefined) throw new Error(`no symbol ${name}`);
  return row[1];
}

let serial = 0;
const inproc = (): string => `inproc://native-test-${process.pid}-${++serial}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => T | undefined | false,
  what: string,
  within = 5000,
): Promise<T> {
  const end = Date.now() + within;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected an exception');
}

const open: NativeSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function socket(
  protocol = 'NN_PAIR',
  { raw = false, onReady = (_events: number) => {} } = {},
): NativeSocket {
  const s = new native.Socket(sym(raw ? 'AF_SP_RAW' : 'AF_SP'), sym(protocol), onReady);
  open.push(s);
  return s;
}

/** Two PAIR sockets connected over inproc. */
function pair(): [NativeSocket, NativeSocket] {
  const where = inproc();
  const a = socket();
  const b = socket();
  a.bind(where);
  b.connect(where);
  return [a, b];
}

describe('native symbols()', () => {
  it('rows of [name, value, namespace, type, unit], starting with NN_NS_NAMESPACE', () => {
    const rows = native.symbols();
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(row).toHaveLength(5);
      expect(typeof row[0]).toBe('string');
      for (const n of row.slice(1)) expect(Number.isInteger(n)).toBe(true);
    }
    expect(rows[0]![0]).toBe('NN_NS_NAMESPACE');
    expect(table.get('NN_PAIR')![2]).toBe(sym('NN_NS_PROTOCOL'));
    expect(table.get('NN_SNDBUF')![3]).toBe(sym('NN_TYPE_INT'));
    expect(table.get('NN_SNDBUF')![4]).toBe(sym('NN_UNIT_BYTES'));
  });
});

describe('native events', () => {
  it('are three distinct single bits, frozen', () => {
    const bits = [native.events.readable, native.events.writable, native.events.terminated];
    for (const bit of bits) expect(bit & (bit - 1)).toBe(0);
    expect(new Set(bits).size).toBe(3);
    expect(Object.isFrozen(native.events)).toBe(true);
  });
});

describe('native versions()', () => {
  it('compiled and runtime ABI triples; runtime from NN_VERSION_*', () => {
    const v = native.versions();
    expect(v.compiled).toHaveLength(3);
    expect(v.runtime).toEqual([
      sym('NN_VERSION_CURRENT'),
      sym('NN_VERSION_REVISION'),
      sym('NN_VERSION_AGE'),
    ]);
    expect(native.testing.minimumCurrent).toBeLessThanOrEqual(v.compiled[0]);
  });
});

describe('native compiledFeatures()', () => {
  it('booleans for statistics, websocket and maxTtl', () => {
    const f = native.compiledFeatures();
    for (const key of ['statistics', 'websocket', 'maxTtl'])
      expect(typeof f[key], key).toBe('boolean');
  });
});

describe('native strerror()', () => {
  it('the library text for an errno; TypeError for a non-number', () => {
    expect(native.strerror(sym('EINVAL'))).toBe('Invalid argument');
    expect(native.strerror(sym('ETERM'))).toMatch(/terminated/i);
    expect(() => native.strerror('EINVAL' as unknown as number)).toThrow(TypeError);
  });
});

describe('native setErrorClass()', () => {
  it('later library errors are built by the given constructor, with message, code, errno, syscall, address', () => {
    const calls: unknown[][] = [];
    // It stays installed for the rest of this file, so it keeps every field.
    class Recorded extends Error {
      constructor(...args: [string, string, number, string, string | undefined]) {
        super(args[0]);
        calls.push(args);
        const [, code, errno, syscall, address] = args;
        Object.assign(this, { code, errno, syscall, address });
      }
    }
    native.setErrorClass(Recorded);
    const s = socket();
    const error = thrown(() => s.bind('nosuch://x'));
    expect(error).toBeInstanceOf(Recorded);
    expect(calls).toEqual([
      [
        native.strerror(sym('EPROTONOSUPPORT')),
        'EPROTONOSUPPORT',
        sym('EPROTONOSUPPORT'),
        'nn_bind',
        'nosuch://x',
      ],
    ]);
    const noAddress = thrown(() => s.getIntOption(sym('NN_SOL_SOCKET'), 9999));
    expect(noAddress).toBeInstanceOf(Recorded);
    expect(calls[1]![1]).toBe('ENOPROTOOPT');
    expect(calls[1]![4]).toBeUndefined();
    expect(() => native.setErrorClass('Error' as unknown as typeof Recorded)).toThrow(TypeError);
  });
});

describe('native testing.setCopyThreshold()/getCopyThreshold()', () => {
  it('round trip; messages below and above it arrive byte-exact; RangeError for a negative size', async () => {
    const before = native.testing.getCopyThreshold();
    expect(Number.isInteger(before)).toBe(true);
    try {
      native.testing.setCopyThreshold(16);
      expect(native.testing.getCopyThreshold()).toBe(16);
      const [a, b] = pair();
      const small = Buffer.from('0123456789');
      const large = Buffer.from('x'.repeat(100) + 'end');
      expect(b.send(small)).toBe(true);
      expect(b.send(large)).toBe(true);
      const pool = Buffer.alloc(1024);
      const got = await until(() => a.recvInto(pool, 0, 2), 'two messages');
      // The small one is copied into the pool; the large one comes alone.
      if (!Array.isArray(got)) throw new Error(`two messages came as ${String(got)}`);
      expect(unpool(pool, 0, got[0])).toEqual([small]);
      expect(got[1].equals(large)).toBe(true);
      expect(() => native.testing.setCopyThreshold(-1)).toThrow(RangeError);
      expect(native.testing.getCopyThreshold()).toBe(16);
    } finally {
      native.testing.setCopyThreshold(before);
    }
    expect(native.testing.getCopyThreshold()).toBe(before);
  });
});

describe('native Socket constructor and id', () => {
  it('opens a socket with a non-negative id; errors for bad arguments', () => {
    const s = socket('NN_PUB');
    expect(Number.isInteger(s.id)).toBe(true);
    expect(s.id).toBeGreaterThanOrEqual(0);
    expect(s.getIntOption(sym('NN_SOL_SOCKET'), sym('NN_PROTOCOL'))).toBe(sym('NN_PUB'));
    expect(
      () => new native.Socket(sym('AF_SP'), sym('NN_PAIR'), undefined as unknown as () => void),
    ).toThrow(TypeError);
    expect(() => new native.Socket('AF_SP' as unknown as number, sym('NN_PAIR'), () => {})).toThrow(
      TypeError,
    );
    expect(
      thrown(() => new native.Socket(sym('AF_SP'), sym('NN_NS_PROTOCOL') + 100_000, () => {})),
    ).toMatchObject({
      code: 'EINVAL',
      syscall: 'nn_socket',
    });
  });
});

describe('native Socket.bind()/connect()', () => {
  it('return endpoint ids; errors carry code, syscall and address', () => {
    const where = inproc();
    const a = socket();
    const b = socket();
    const eid = a.bind(where);
    expect(Number.isInteger(eid)).toBe(true);
    expect(Number.isInteger(b.connect(where))).toBe(true);
    expect(thrown(() => socket().bind(where))).toMatchObject({
      code: 'EADDRINUSE',
      syscall: 'nn_bind',
      address: where,
    });
    expect(thrown(() => b.connect('tcp://127.0.0.1'))).toMatchObject({
      code: 'EINVAL',
      syscall: 'nn_connect',
    });
    expect(() => a.bind(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('native Socket.shutdown()', () => {
  it('removes an endpoint; a second time is EINVAL', () => {
    const s = socket();
    const eid = s.bind(inproc());
    expect(s.shutdown(eid)).toBeUndefined();
    expect(thrown(() => s.shutdown(eid))).toMatchObject({ code: 'EINVAL', syscall: 'nn_shutdown' });
  });
});

describe('native Socket.setIntOption()/getIntOption()', () => {
  it('round trip NN_SNDBUF at NN_SOL_SOCKET; RangeError/TypeError for bad values', () => {
    const s = socket();
    s.setIntOption(sym('NN_SOL_SOCKET'), sym('NN_SNDBUF'), 65_536);
    expect(s.getIntOption(sym('NN_SOL_SOCKET'), sym('NN_SNDBUF'))).toBe(65_536);
    expect(() => s.setIntOption(sym('NN_SOL_SOCKET'), sym('NN_SNDBUF'), 1.5)).toThrow(RangeError);
    expect(() =>
      s.setIntOption(sym('NN_SOL_SOCKET'), sym('NN_SNDBUF'), '1' as unknown as number),
    ).toThrow(TypeError);
    expect(thrown(() => s.setIntOption(sym('NN_SOL_SOCKET'), sym('NN_SNDBUF'), -5))).toMatchObject({
      code: 'EINVAL',
    });
  });
});

describe('native Socket.setBytesOption()/getStringOption()', () => {
  it('round trip NN_SOCKET_NAME as a string and as bytes; NN_SUB_SUBSCRIBE takes bytes', () => {
    const s = socket();
    s.setBytesOption(sym('NN_SOL_SOCKET'), sym('NN_SOCKET_NAME'), 'native-name');
    expect(s.getStringOption(sym('NN_SOL_SOCKET'), sym('NN_SOCKET_NAME'))).toBe('native-name');
    s.setBytesOption(sym('NN_SOL_SOCKET'), sym('NN_SOCKET_NAME'), Buffer.from('from-bytes'));
    expect(s.getStringOption(sym('NN_SOL_SOCKET'), sym('NN_SOCKET_NAME'))).toBe('from-bytes');
    const sub = socket('NN_SUB');
    expect(
      sub.setBytesOption(sym('NN_SUB'), sym('NN_SUB_SUBSCRIBE'), new Uint8Array([1, 2])),
    ).toBeUndefined();
    expect(() =>
      s.setBytesOption(sym('NN_SOL_SOCKET'), sym('NN_SOCKET_NAME'), 5 as unknown as string),
    ).toThrow(TypeError);
  });
});

describe('native Socket.send()', () => {
  it('true when taken, false on EAGAIN (no peer); TypeError for a non-message', () => {
    const lonely = socket('NN_PUSH');
    lonely.bind(inproc());
    expect(lonely.send('nobody')).toBe(false);
    const [, b] = pair();
    expect(b.send('taken')).toBe(true);
    expect(b.send(new Uint8Array([1, 2, 3]))).toBe(true);
    expect(() => b.send(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('native testing.recv(socket)', () => {
  it('undefined on EAGAIN, then the message as a Buffer', async () => {
    const [a, b] = pair();
    expect(native.testing.recv(a)).toBeUndefined();
    b.send('hello');
    const got = await until(() => native.testing.recv(a), 'a message');
    expect(Buffer.isBuffer(got)).toBe(true);
    expect(got.toString()).toBe('hello');
  });
});

/** The messages written into `pool` from `from` to `end`: each a 32-bit little-endian length, then its bytes. */
function unpool(pool: Buffer, from: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = from; at < end; at += 4 + pool.readUInt32LE(at)) {
    out.push(pool.subarray(at + 4, at + 4 + pool.readUInt32LE(at)));
  }
  return out;
}

describe('native Socket.recvInto()', () => {
  it('writes up to max ready messages into the pool from the offset on, in order, and returns the end; undefined when none is', async () => {
    const [a, b] = pair();
    const pool = Buffer.alloc(256, 0xee);
    expect(a.recvInto(pool, 0, 10)).toBeUndefined();
    for (const m of ['1', '22', '', '3']) b.send(m);
    await until(() => a.poll(READABLE) === READABLE, 'readable');
    await sleep(10);
    const end = a.recvInto(pool, 8, 3);
    expect(end).toBe(8 + 4 + 1 + 4 + 2 + 4);
    expect(unpool(pool, 8, end as number).map(String)).toEqual(['1', '22', '']);
    // Nothing before the offset or after the end was touched.
    expect(pool.subarray(0, 8).every((x) => x === 0xee)).toBe(true);
    expect(pool.subarray(end as number).every((x) => x === 0xee)).toBe(true);
    const next = a.recvInto(pool, end as number, 10);
    expect(unpool(pool, end as number, next as number).map(String)).toEqual(['3']);
    expect(a.recvInto(pool, 0, 10)).toBeUndefined();
  });

  it('a message that does not fit comes alone: first as a Buffer, after pooled ones as [end, Buffer]', async () => {
    const [a, b] = pair();
    const pool = Buffer.alloc(16);
    b.send('small');
    b.send('x'.repeat(40));
    b.send('y'.repeat(40));
    await until(() => a.poll(READABLE) === READABLE, 'readable');
    await sleep(10);
    const got = a.recvInto(pool, 0, 10);
    if (!Array.isArray(got)) throw new Error(`came as ${String(got)}`);
    expect(got[0]).toBe(9);
    expect(unpool(pool, 0, 9).map(String)).toEqual(['small']);
    expect(String(got[1])).toBe('x'.repeat(40));
    const alone = a.recvInto(pool, 9, 10);
    expect(Buffer.isBuffer(alone)).toBe(true);
    expect(String(alone)).toBe('y'.repeat(40));
  });

  it('TypeError for a pool that is not a Buffer, RangeError for an offset outside it or max < 1; nothing taken', async () => {
    const [a, b] = pair();
    b.send('kept');
    await until(() => a.poll(READABLE) === READABLE, 'readable');
    const pool = Buffer.alloc(64);
    expect(() => a.recvInto([] as unknown as Buffer, 0, 1)).toThrow(TypeError);
    expect(() => a.recvInto(pool, -1, 1)).toThrow(RangeError);
    expect(() => a.recvInto(pool, 65, 1)).toThrow(RangeError);
    expect(() => a.recvInto(pool, 0, 0)).toThrow(RangeError);
    expect(unpool(pool, 0, a.recvInto(pool, 0, 1) as number).map(String)).toEqual(['kept']);
  });
});

describe('native Socket.hold()/sendHeld()/discard()', () => {
  it('a held copy is sent later as it was when held; discard frees one that is not sent; errors for bad ids', async () => {
    const where = inproc();
    const push = socket('NN_PUSH');
    push.bind(where);
    const bytes = Buffer.from('held bytes');
    const id = push.hold(bytes);
    const other = push.hold(new Uint8Array([1, 2, 3]));
    expect(typeof id).toBe('number');
    expect(other).not.toBe(id);
    bytes.fill(0);
    expect(push.sendHeld(id)).toBe(false); // no peer yet: EAGAIN, still held
    const pull = socket('NN_PULL');
    pull.connect(where);
    await until(() => push.sendHeld(id), 'the held copy taken');
    expect(String(await until(() => native.testing.recv(pull), 'the message'))).toBe('held bytes');
    // Sent: the library owns it; the id is gone.
    expect(() => push.sendHeld(id)).toThrow(RangeError);
    push.discard(other);
    expect(() => push.sendHeld(other)).toThrow(RangeError);
    push.discard(other); // unknown ids are ignored
    expect(() => push.hold('text' as unknown as Buffer)).toThrow(TypeError);
    expect(() => push.sendHeld('1' as unknown as number)).toThrow(TypeError);
    expect(() => push.discard('1' as unknown as number)).toThrow(TypeError);
    // Closing frees what is still held.
    const left = push.hold(Buffer.alloc(1000));
    await push.close();
    push.discard(left);
    expect(thrown(() => push.hold(Buffer.alloc(1)))).toMatchObject({ code: 'EBADF' });
  });
});

/** The raw messages recvMsgInto wrote into `pool` from `from` to `end`: lengths, header, body. */
function cutRawPool(pool: Buffer, from: number, end: number): { body: Buffer; header: Buffer }[] {
  const out: { body: Buffer; header: Buffer }[] = [];
  for (let at = from; at < end;) {
    const bodyLength = pool.readUInt32LE(at);
    const headerLength = pool.readUInt32LE(at + 4);
    const header = pool.subarray(at + 8, at + 8 + headerLength);
    const body = pool.subarray(at + 8 + headerLength, at + 8 + headerLength + bodyLength);
    out.push({ body, header });
    at += 8 + headerLength + bodyLength;
  }
  return out;
}

describe('native Socket.sendMsg()/recvMsgInto(), testing.recvMsg(socket)', () => {
  it('a raw REP gets requests with their SP headers and answers through them', async () => {
    const where = inproc();
    const rep = socket('NN_REP', { raw: true });
    rep.bind(where);
    const req1 = socket('NN_REQ');
    const req2 = socket('NN_REQ');
    req1.connect(where);
    req2.connect(where);
    expect(req1.send('q1')).toBe(true);
    const one = await until(() => native.testing.recvMsg(rep), 'a raw request');
    expect(one.body.toString()).toBe('q1');
    expect(one.header.length).toBeGreaterThanOrEqual(4);
    // The request id ends the header, with its top bit set.
    expect(one.header[one.header.length - 4]! & 0x80).toBe(0x80);
    expect(rep.sendMsg('a1', one.header)).toBe(true);
    expect((await until(() => native.testing.recv(req1), 'the reply')).toString()).toBe('a1');

    expect(req2.send('q2')).toBe(true);
    expect(req1.send('q3')).toBe(true);
    await until(() => rep.poll(READABLE) === READABLE, 'readable');
    await sleep(10);
    const pool = Buffer.alloc(256);
    const all: { body: Buffer; header: Buffer }[] = [];
    let at = 16;
    await until(() => {
      const end = rep.recvMsgInto(pool, at, 10);
      if (typeof end === 'number') {
        all.push(...cutRawPool(pool, at, end));
        at = end;
      } else expect(end).toBeUndefined();
      return all.length === 2 ? true : undefined;
    }, 'raw requests');
    expect(pool.subarray(0, 16).every((b) => b === 0)).toBe(true); // nothing before `offset`
    expect(all.map((m) => m.body.toString()).sort()).toEqual(['q2', 'q3']);
    for (const m of all) expect(m.header.length).toBeGreaterThanOrEqual(4);
    // Each header answers its own request.
    for (const m of all) expect(rep.sendMsg(`re:${m.body}`, m.header)).toBe(true);
    expect((await until(() => native.testing.recv(req2), 'reply 2')).toString()).toBe('re:q2');
    expect((await until(() => native.testing.recv(req1), 'reply 3')).toString()).toBe('re:q3');
    expect(rep.recvMsgInto(pool, 0, 10)).toBeUndefined();
    expect(native.testing.recvMsg(rep)).toBeUndefined();
    expect(() => rep.recvMsgInto(pool, 0, 0)).toThrow(RangeError);
    expect(() => rep.recvMsgInto(pool, 257, 1)).toThrow(RangeError);
  });

  it('a message that does not fit the pool comes alone, after those that do', async () => {
    const where = inproc();
    const rep = socket('NN_REP', { raw: true });
    rep.bind(where);
    const req = socket('NN_REQ', { raw: true });
    req.connect(where);
    const header = Buffer.from([0x80, 0, 0, 1]);
    expect(req.sendMsg('small', header)).toBe(true);
    expect(req.sendMsg(Buffer.alloc(4000, 7), Buffer.from([0x80, 0, 0, 2]))).toBe(true);
    await until(() => rep.poll(READABLE) === READABLE, 'readable');
    await sleep(10);
    const pool = Buffer.alloc(64);
    const got = await until(() => rep.recvMsgInto(pool, 0, 10), 'both');
    expect(Array.isArray(got)).toBe(true);
    const [end, alone] = got as [number, { body: Buffer; header: Buffer }];
    const pooled = cutRawPool(pool, 0, end);
    expect(pooled.map((m) => m.body.toString())).toEqual(['small']);
    expect(pooled[0]!.header.subarray(-4)).toEqual(header);
    expect(alone.body.length).toBe(4000);
    expect(alone.body.every((b) => b === 7)).toBe(true);
    expect(alone.header.subarray(-4)).toEqual(Buffer.from([0x80, 0, 0, 2]));
  });
});

describe('native Socket.poll()', () => {
  it('which of in/out are ready now, without waiting', async () => {
    const lonely = socket();
    lonely.bind(inproc());
    expect(lonely.poll(READABLE | WRITABLE)).toBe(0);
    const [a, b] = pair();
    expect(b.poll(WRITABLE)).toBe(WRITABLE);
    expect(a.poll(READABLE)).toBe(0);
    b.send('x');
    await until(() => a.poll(READABLE) === READABLE, 'readable');
    expect(a.poll(0)).toBe(0);
  });
});

describe('native Socket.watch()', () => {
  it('calls onReady with 1 while a message waits and 2 while it can send; 0 stops', async () => {
    const events: number[] = [];
    const where = inproc();
    const a = socket('NN_PAIR', {
      onReady: (e) => {
        events.push(e);
        a.watch(0);
      },
    });
    a.bind(where);
    const b = socket();
    b.connect(where);
    a.watch(READABLE);
    await sleep(20);
    expect(events).toEqual([]);
    b.send('wake');
    await until(() => events.length > 0, 'onReady(1)');
    expect(events).toEqual([READABLE]);
    expect(native.testing.recv(a)?.toString()).toBe('wake');
    events.length = 0;
    a.watch(WRITABLE);
    await until(() => events.length > 0, 'onReady(2)');
    expect(events).toEqual([WRITABLE]);
    expect(() => a.watch('1' as unknown as number)).toThrow(TypeError);
  });
});

describe('native Socket.watch(events, keep)', () => {
  it('a running watcher in `keep` goes on firing without being asked; keep 0 stops it; keep never starts one', async () => {
    const events: number[] = [];
    const where = inproc();
    const a = socket('NN_PAIR', { onReady: (e) => events.push(e) });
    a.bind(where);
    const b = socket();
    b.connect(where);
    // Not running: keep does not start it.
    a.watch(0, READABLE);
    b.send('1');
    await sleep(30);
    expect(events).toEqual([]);
    expect(native.testing.recv(a)?.toString()).toBe('1');
    // Running, then kept: it still fires.
    a.watch(READABLE);
    b.send('2');
    await until(() => events.length > 0, 'onReady(1)');
    a.watch(0, READABLE);
    expect(native.testing.recv(a)?.toString()).toBe('2');
    events.length = 0;
    b.send('3');
    await until(() => events.length > 0, 'onReady(1) from the kept watcher');
    expect(events[0]).toBe(READABLE);
    // Stopped for good.
    a.watch(0, 0);
    expect(native.testing.recv(a)?.toString()).toBe('3');
    events.length = 0;
    b.send('4');
    await sleep(30);
    expect(events).toEqual([]);
    expect(() => a.watch(0, '1' as unknown as number)).toThrow(TypeError);
  });
});

describe('native Socket.statistic()', () => {
  it('counts messages and bytes sent', async () => {
    const [a, b] = pair();
    expect(b.statistic(sym('NN_STAT_MESSAGES_SENT'))).toBe(0);
    b.send('12345');
    await until(() => native.testing.recv(a), 'the message');
    expect(b.statistic(sym('NN_STAT_MESSAGES_SENT'))).toBe(1);
    expect(b.statistic(sym('NN_STAT_BYTES_SENT'))).toBe(5);
    expect(a.statistic(sym('NN_STAT_MESSAGES_RECEIVED'))).toBe(1);
  });
});

describe('native Socket.close()', () => {
  it('resolves, sets id to -1, frees the address; later calls throw EBADF; twice is harmless', async () => {
    const where = inproc();
    const s = new native.Socket(sym('AF_SP'), sym('NN_PAIR'), () => {});
    s.bind(where);
    const closing = s.close();
    expect(closing).toBeInstanceOf(Promise);
    expect(s.id).toBe(-1);
    await closing;
    await expect(s.close()).resolves.toBeUndefined();
    expect(thrown(() => s.send('x'))).toMatchObject({ code: 'EBADF', syscall: 'nn_send' });
    expect(thrown(() => native.testing.recv(s))).toMatchObject({ code: 'EBADF' });
    expect(thrown(() => s.bind(where))).toMatchObject({ code: 'EBADF' });
    const again = socket();
    expect(Number.isInteger(again.bind(where))).toBe(true);
  });
});

describe('native Socket: per-message methods bound to their socket', () => {
  it('are own functions that work without `this`, and throw EBADF once the socket was collected', async () => {
    let s: NativeSocket | undefined = new native.Socket(sym('AF_SP'), sym('NN_PUSH'), () => {});
    const { send, recvInto, watch } = s;
    expect(Object.hasOwn(s, 'send')).toBe(true);
    // Called detached: the function knows its socket (no peer: not taken).
    expect(send('x')).toBe(false);
    s = undefined;
    await until(() => {
      globalThis.gc!();
      try {
        send('x');
        return false;
      } catch (error) {
        return (error as { code?: string }).code === 'EBADF';
      }
    }, 'the socket to be collected');
    expect(thrown(() => send('x'))).toMatchObject({ code: 'EBADF', syscall: 'nn_send' });
    expect(thrown(() => recvInto(Buffer.alloc(64), 0, 1))).toMatchObject({
      code: 'EBADF',
      syscall: 'nn_recv',
    });
    expect(thrown(() => watch(READABLE))).toMatchObject({ code: 'EBADF' });
  });
});

describe('native device()', () => {
  it('forwards between two raw sockets; rejects EBADF when one is closed', async () => {
    const front = inproc();
    const back = inproc();
    const a = socket('NN_PAIR', { raw: true });
    const b = socket('NN_PAIR', { raw: true });
    a.bind(front);
    b.bind(back);
    const client = socket();
    const server = socket();
    client.connect(front);
    server.connect(back);
    const running = native.device(a, b);
    let settled = false;
    const outcome = running.then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    void outcome.then(() => (settled = true));
    await until(() => client.send('through the device'), 'the device to take a message');
    expect(
      (await until(() => native.testing.recv(server), 'the forwarded message')).toString(),
    ).toBe('through the device');
    await until(() => server.send('and back'), 'the device to take the answer');
    expect((await until(() => native.testing.recv(client), 'the answer')).toString()).toBe(
      'and back',
    );
    expect(settled).toBe(false);
    await a.close();
    expect(await outcome).toBe('EBADF');
    // Cooked sockets: nn_device's own check (thrown or rejected, either is fine here).
    let refused: unknown;
    try {
      await native.device(socket('NN_PAIR'), socket('NN_PAIR'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'EINVAL' });
  });
});

describe('native terminate()/terminated()', () => {
  // nn_term is process-wide and final, so it runs in a child process.
  it('in a child process: terminated() turns true, and a new socket fails with ETERM', () => {
    const result = spawnSync(
      process.execPath,
      [join(nativeDir, 'test', 'fixtures', 'terminate.cjs')],
      {
        cwd: nativeDir,
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim())).toEqual({
      before: false,
      after: true,
      newSocket: 'ETERM',
      pendingPoll: 'ok',
    });
    expect(result.status).toBe(0);
  });
});
