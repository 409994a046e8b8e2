// Hostile peers on the wire: raw TCP clients (node:net) against a bound REP
// socket, sending garbage, wrong SP protocol headers, truncated messages,
// length prefixes near 2^64, messages over receiveMaxSize, or connecting and
// stalling. Throughout, a well-behaved REQ peer keeps making requests and
// must get every answer. The server runs in a child process
// (fixtures/rep-server.mjs) so that its memory and descriptors can be
// measured before and after.
//
// SP over TCP: an 8-byte header (0x00 'S' 'P' 0x00, protocol id as 16-bit big
// endian, two reserved bytes), then each message as a 64-bit big-endian
// length and its bytes; a request starts with its 32-bit id, top bit set.
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symbol } from '@nanomsg-ts/core';
import { Req } from '@nanomsg-ts/reqrep';
import { Child, killChildren, slope, sleep, waitFor } from '@nanomsg-ts/testkit';

const MAX = 64 * 1024;

function spHeader(protocol: string): Buffer {
  const b = Buffer.from([0, 0x53, 0x50, 0, 0, 0, 0, 0]);
  b.writeUInt16BE(symbol(protocol), 4);
  return b;
}
function length(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
let requestId = 0x80000000;
/** A REQ request as it goes on the wire: length, request id, body. */
function request(body: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(requestId++ >>> 0 || 0x80000000);
  return Buffer.concat([length(body.length + 4), id, body]);
}

interface RawClient {
  socket: NetSocket;
  /** Resolves with the ms from connect to close, when the server (or we) closed it. */
  closed: Promise<number>;
  received(): Buffer;
  isClosed(): boolean;
}

function rawClient(port: number, chunks: readonly Buffer[], { end = false } = {}): RawClient {
  const socket = netConnect(port, '127.0.0.1');
  let data = Buffer.alloc(0);
  let isClosed = false;
  const started = performance.now();
  socket.on('data', (d: Buffer) => {
    data = Buffer.concat([data, d]);
  });
  socket.on('error', () => {});
  socket.on('connect', () => {
    for (const c of chunks) socket.write(c);
    if (end) socket.end();
  });
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve(performance.now() - started);
    }),
  );
  return { socket, closed, received: () => data, isClosed: () => isClosed };
}

/** Resolves true when `c` was closed within `ms`. */
async function closedWithin(c: RawClient, ms: number): Promise<boolean> {
  return Promise.race([c.closed.then(() => true), sleep(ms).then(() => false)]);
}

/** A REQ peer that keeps making requests until stopped; every reply is checked. */
function wellBehaved(address: string) {
  const req = new Req({ sendTimeout: 5000, receiveTimeout: 5000 });
  req.connect(address);
  let stop = false;
  let answered = 0;
  const errors: string[] = [];
  const running = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        const reply = String(await req.request(`req-${i}`, { timeout: 5000 }));
        if (reply !== `echo req-${i}`) errors.push(`request ${i} got ${reply}`);
        else answered++;
      } catch (error) {
        errors.push(`request ${i}: ${String(error)}`);
      }
    }
  })();
  return {
    get answered() {
      return answered;
    },
    errors,
    async stop(): Promise<void> {
      stop = true;
      await running;
      await req.close();
    },
  };
}

interface Sample {
  rss: number;
  external: number;
  arrayBuffers: number;
  heapUsed: number;
  fds: number;
  served: number;
  strangers: number;
}

let server: Child;
let address: string;
let port: number;

function latest(): Sample {
  const all = server.json<Sample & { address?: string }>().filter((s) => s.address === undefined);
  return all.at(-1)!;
}
/** A sample taken after `ms` more milliseconds (the server reports every 200 ms). */
async function sampleAfter(ms: number): Promise<Sample> {
  await sleep(ms);
  const n = server.json().length;
  await server.line((l) => l.startsWith('{"rss"') && server.json().length > n);
  return latest();
}

beforeAll(async () => {
  server = new Child('rep-server.mjs', [String(MAX)], {
    timeout: 300_000,
    execArgv: ['--expose-gc'],
  });
  const line = await server.line((l) => l.startsWith('{"address"'));
  address = (JSON.parse(line) as { address: string }).address;
  port = Number(address.slice(address.lastIndexOf(':') + 1));
  await server.line((l) => l.startsWith('{"rss"'));
});
afterAll(async () => {
  await server.kill('SIGTERM');
  await killChildren();
});

/**
 * Runs `attack` while a well-behaved peer makes requests, and checks that the
 * peer was served during it. The attack is made again (within 8 s) until the
 * peer has had an answer while it lasts: one round of a short attack (~100 ms)
 * on a loaded machine can end inside a single round trip of the peer's.
 */
async function underAttack(attack: () => Promise<void>): Promise<number> {
  const peer = wellBehaved(address);
  // Connected and served first: the attack must not end before the peer's
  // connection is even up.
  await waitFor(() => peer.answered > 0, 'the well-behaved peer served before the attack');
  const before = peer.answered;
  const end = Date.now() + 8000;
  do await attack();
  while (peer.answered === before && Date.now() < end);
  const during = peer.answered - before;
  await sleep(100);
  await peer.stop();
  expect(peer.errors).toEqual([]);
  expect(during, 'the well-behaved peer was not served during the attack').toBeGreaterThan(0);
  expect(latest().strangers, 'a hostile message was delivered').toBe(0);
  return peer.answered;
}

describe('hostile TCP peers against a bound REP (receiveMaxSize 64 KiB)', () => {
  it('control: a raw client that speaks the protocol gets its reply, so the raw framing here is right', async () => {
    const c = rawClient(port, [spHeader('NN_REQ'), request(Buffer.from('control-1'))]);
    const end = Date.now() + 5000;
    while (!c.received().includes('echo control-1') && Date.now() < end) await sleep(10);
    expect(c.received().subarray(0, 8)).toEqual(spHeader('NN_REP'));
    expect(c.received().includes('echo control-1')).toBe(true);
    expect(c.isClosed()).toBe(false);
    c.socket.destroy();
  });

  it('garbage: 50 clients sending 1 B to 64 KiB of random bytes are each disconnected; the peer is served throughout', async () => {
    const answered = await underAttack(async () => {
      const clients = Array.from({ length: 50 }, (_, i) => {
        const bytes = Buffer.alloc(1 + ((i * 1337) % MAX));
        for (let j = 0; j < bytes.length; j++) bytes[j] = (j * 31 + i) & 0xff;
        if (bytes.length > 1) bytes[1] = 0x21; // never the "\0SP\0" magic
        return rawClient(port, [bytes]);
      });
      const closed = await Promise.all(clients.map((c) => closedWithin(c, 3000)));
      expect(closed.filter((x) => !x).length, 'clients the server did not disconnect').toBe(0);
    });
    console.log(`garbage: 50 clients disconnected; well-behaved peer got ${answered} answers`);
  });

  it('wrong SP headers (bad magic, version byte, protocols PUB, REP, PAIR, 0xffff) are disconnected at once', async () => {
    const bad = [
      Buffer.from([1, 0x53, 0x50, 0, 0, 0, 0, 0]),
      Buffer.from([0, 0x53, 0x50, 1, 0, 0, 0, 0]),
      spHeader('NN_PUB'),
      spHeader('NN_REP'),
      spHeader('NN_PAIR'),
      Buffer.from([0, 0x53, 0x50, 0, 0xff, 0xff, 0, 0]),
    ];
    bad[0]!.writeUInt16BE(symbol('NN_REQ'), 4);
    bad[1]!.writeUInt16BE(symbol('NN_REQ'), 4);
    await underAttack(async () => {
      for (let round = 0; round < 10; round++) {
        const clients = bad.map((h) => rawClient(port, [h, request(Buffer.from('req-bad'))]));
        const ms = await Promise.all(
          clients.map((c) => Promise.race([c.closed, sleep(3000).then(() => Infinity)])),
        );
        expect(Math.max(...ms), 'slowest disconnect (ms)').toBeLessThan(1000);
      }
    });
  });

  it('a truncated message followed by EOF is dropped with its connection; one followed by a stall holds only its own connection', async () => {
    await underAttack(async () => {
      const eof = Array.from({ length: 20 }, () =>
        rawClient(port, [spHeader('NN_REQ'), length(1000), Buffer.from('req-truncated')], {
          end: true,
        }),
      );
      expect((await Promise.all(eof.map((c) => closedWithin(c, 3000)))).every(Boolean)).toBe(true);
      const stalled = Array.from({ length: 20 }, () =>
        rawClient(port, [spHeader('NN_REQ'), length(MAX), Buffer.alloc(100, 1)]),
      );
      await sleep(1500);
      // libnanomsg has no timeout once the header is exchanged: they stay.
      expect(stalled.filter((c) => c.isClosed()).length).toBe(0);
      for (const c of stalled) c.socket.destroy();
    });
  });

  it('length prefixes near 2^64 (and just over receiveMaxSize) drop the connection at once; nothing is delivered', async () => {
    const lengths = [
      2n ** 64n - 1n,
      2n ** 64n - 8n,
      2n ** 63n,
      2n ** 63n - 1n,
      2n ** 32n + 1n,
      BigInt(MAX + 1),
    ];
    await underAttack(async () => {
      for (let round = 0; round < 5; round++) {
        const clients = lengths.map((n) =>
          rawClient(port, [spHeader('NN_REQ'), length(n), Buffer.alloc(64, 7)]),
        );
        const ms = await Promise.all(
          clients.map((c) => Promise.race([c.closed, sleep(3000).then(() => Infinity)])),
        );
        expect(Math.max(...ms), 'slowest disconnect (ms)').toBeLessThan(1000);
        for (const c of clients) expect(c.received().length).toBe(8); // the server's header, no reply
      }
    });
  });

  it('receiveMaxSize is enforced: a message of exactly 64 KiB is answered, one byte more is dropped with its connection', async () => {
    const at = rawClient(port, [
      spHeader('NN_REQ'),
      request(Buffer.concat([Buffer.from('control-max'), Buffer.alloc(MAX - 4 - 11)])),
    ]);
    const end = Date.now() + 5000;
    while (at.received().length < 8 + 8 + 4 + MAX - 4 && Date.now() < end) await sleep(10);
    expect(at.received().includes('echo control-max')).toBe(true);
    expect(at.isClosed()).toBe(false);
    at.socket.destroy();
    const over = rawClient(port, [
      spHeader('NN_REQ'),
      request(Buffer.concat([Buffer.from('control-over'), Buffer.alloc(MAX - 4 - 12 + 1)])),
    ]);
    expect(await closedWithin(over, 3000)).toBe(true);
    expect(over.received().includes('echo control-over')).toBe(false);
  });

  it('100 clients that connect and send nothing are disconnected after the 1 s handshake timeout; 20 that stall after the header stay until they leave', async () => {
    await underAttack(async () => {
      const silent = Array.from({ length: 100 }, () => rawClient(port, []));
      const halfHeader = Array.from({ length: 20 }, () =>
        rawClient(port, [spHeader('NN_REQ').subarray(0, 4)]),
      );
      const afterHeader = Array.from({ length: 20 }, () => rawClient(port, [spHeader('NN_REQ')]));
      const ms = await Promise.all(
        [...silent, ...halfHeader].map((c) =>
          Promise.race([c.closed, sleep(5000).then(() => Infinity)]),
        ),
      );
      expect(Math.max(...ms)).toBeLessThan(3000);
      expect(Math.min(...ms)).toBeGreaterThan(800);
      expect(afterHeader.filter((c) => c.isClosed()).length).toBe(0);
      for (const c of afterHeader) c.socket.destroy();
    });
  });

  it('memory and descriptors stay bounded: 12 rounds of every attack (about 400 connections each) in the server process', async () => {
    await sleep(500);
    const baseline = await sampleAfter(300);
    const samples: Sample[] = [];
    const rounds = 12;
    const peer = wellBehaved(address);
    for (let round = 0; round < rounds; round++) {
      const clients: RawClient[] = [];
      for (let i = 0; i < 100; i++) clients.push(rawClient(port, [Buffer.alloc(4096, i)]));
      for (const n of [2n ** 64n - 1n, 2n ** 63n, BigInt(MAX + 1)]) {
        for (let i = 0; i < 30; i++) clients.push(rawClient(port, [spHeader('NN_REQ'), length(n)]));
      }
      for (let i = 0; i < 50; i++) clients.push(rawClient(port, [spHeader('NN_PUB')]));
      for (let i = 0; i < 50; i++)
        clients.push(
          rawClient(port, [spHeader('NN_REQ'), length(MAX), Buffer.alloc(MAX / 2)], { end: true }),
        );
      for (let i = 0; i < 60; i++) clients.push(rawClient(port, [spHeader('NN_REQ'), length(MAX)]));
      await Promise.all(clients.slice(0, -60).map((c) => closedWithin(c, 5000)));
      for (const c of clients.slice(-60)) c.socket.destroy();
      await Promise.all(clients.map((c) => c.closed));
      samples.push(await sampleAfter(250));
    }
    await peer.stop();
    expect(peer.errors).toEqual([]);
    const after = await sampleAfter(500);
    const mb = (b: number) => +(b / 2 ** 20).toFixed(1);
    const secondHalf = samples.slice(rounds / 2);
    const rssSlope = slope(
      secondHalf.map((_, i) => i),
      secondHalf.map((s) => s.rss),
    );
    console.log(
      `hostile memory: rss ${mb(baseline.rss)} -> ${mb(after.rss)} MiB, external ${mb(baseline.external)} -> ${mb(after.external)} MiB, ` +
        `fds ${baseline.fds} -> ${after.fds}, rss slope over the last ${secondHalf.length} rounds ${mb(rssSlope)} MiB/round, ` +
        `well-behaved answers ${peer.answered}, served ${after.served}, strangers ${after.strangers}`,
    );
    expect(after.strangers).toBe(0);
    expect(after.fds - baseline.fds, 'descriptors left open in the server').toBeLessThanOrEqual(2);
    expect(after.rss - baseline.rss, 'RSS growth (bytes)').toBeLessThan(32 * 2 ** 20);
    expect(after.external - baseline.external, 'external memory growth (bytes)').toBeLessThan(
      4 * 2 ** 20,
    );
    expect(rssSlope, 'RSS growth per round over the second half (bytes)').toBeLessThan(1 * 2 ** 20);
    expect(peer.answered).toBeGreaterThan(rounds);
  }, 120_000);
});

// Known libnanomsg 1.1.5 bugs that the binding cannot prevent (it never sees
// the transport's bytes): the ws transport's opening handshake asserts on
// hostile input, on either side. These tests pass while the library has the
// bugs; once one fails, the library got fixed: update RELIABILITY.md.
describe('ws endpoints against hostile peers (known libnanomsg 1.1.5 bugs: the process aborts)', () => {
  async function boundWs(): Promise<{ child: Child; port: number }> {
    const child = new Child('ws-endpoint.mjs', ['bind'], { timeout: 20_000 });
    const line = await child.line((l) => l.startsWith('{"address"'));
    const where = (JSON.parse(line) as { address: string }).address;
    return { child, port: Number(where.slice(where.lastIndexOf(':') + 1)) };
  }

  it.each([
    [
      'NUL bytes in the request',
      'ws_handshake.c:500',
      Buffer.concat([
        Buffer.from('GET / HTTP/1.1\r\n'),
        Buffer.alloc(600),
        Buffer.from('\r\n\r\n'),
      ]),
    ],
    ['a run of CRLFs', 'ws_handshake.c:1340', Buffer.from('\r\n'.repeat(1000))],
  ])(
    'a bound ws socket is aborted by one client sending %s (%s)',
    async (_what, where, payload) => {
      const { child, port } = await boundWs();
      const c = rawClient(port, [payload]);
      const result = await child.done;
      c.socket.destroy();
      expect(result.signal).toBe('SIGABRT');
      expect(result.stderr).toContain(where.split(':')[0]);
    },
  );

  it('a ws client is aborted by a server answering its handshake with 600 bytes and no end of headers (ws_handshake.c:1083)', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((c) => {
      c.on('error', () => {});
      c.once('data', () => c.write(Buffer.alloc(600, 0x41)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: serverPort } = server.address() as { port: number };
    const child = new Child('ws-endpoint.mjs', ['connect', `ws://127.0.0.1:${serverPort}`], {
      timeout: 20_000,
    });
    const result = await child.done;
    server.close();
    expect(result.signal).toBe('SIGABRT');
    expect(result.stderr).toContain('ws_handshake.c');
  });
});

describe('receiveMaxSize -1 (no limit) against a hostile peer (known libnanomsg 1.1.5 behaviour: the process aborts)', () => {
  it('a length prefix near 2^64 makes the library allocate it and abort on failure (chunkref.c:55); keep a limit on sockets untrusted peers reach', async () => {
    const child = new Child('rep-server.mjs', ['-1'], {
      timeout: 20_000,
      execArgv: ['--expose-gc'],
    });
    const line = await child.line((l) => l.startsWith('{"address"'));
    const where = (JSON.parse(line) as { address: string }).address;
    const c = rawClient(Number(where.slice(where.lastIndexOf(':') + 1)), [
      spHeader('NN_REQ'),
      length(2n ** 64n - 1n),
    ]);
    const result = await child.done;
    c.socket.destroy();
    expect(result.signal).toBe('SIGABRT');
    expect(result.stderr).toContain('chunkref.c');
  });
});
