// recvMessage / sendMessage: nn_recvmsg / nn_sendmsg with the SP header as
// control data, on the same waiting machinery as recv / send.
import { describe, expect, it } from 'vitest';
import { NanomsgError, type Socket } from '@nanomsg-ts/core';
import {
  bindAny,
  rejection,
  sleep,
  state,
  useSockets,
  type CoreTransport as Transport,
} from '@nanomsg-ts/testkit';

const make = useSockets();
const transports: Transport[] = ['inproc', 'ipc', 'tcp'];

/** The 32-bit words of an SP header, big-endian as on the wire. */
function words(header: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= header.length; i += 4) out.push(header.readUInt32BE(i));
  return out;
}

describe.each(transports)('raw REQ/REP headers over %s', (transport) => {
  it('a raw REP receives the backtrace (ending with the request id, top bit set) and answers with it', async () => {
    const rep = make('NN_REP', { raw: true });
    const req = make('NN_REQ');
    req.connect(bindAny(rep, transport).address);
    await req.send('what time is it');
    const m = await rep.recvMessage({ timeout: 5000 });
    expect(m.body.toString()).toBe('what time is it');
    expect(Buffer.isBuffer(m.header)).toBe(true);
    // One hop: the pipe key the raw REP added, then the request id from the REQ.
    expect(m.header.length).toBe(8);
    const [, requestId] = words(m.header);
    expect(requestId! & 0x80000000).not.toBe(0);
    await rep.sendMessage({ body: 'noon', header: m.header });
    expect((await req.recv({ timeout: 5000 })).toString()).toBe('noon');
  });

  it('a raw REQ sends the request id as its header and gets it back with the reply', async () => {
    const req = make('NN_REQ', { raw: true });
    const rep = make('NN_REP');
    rep.connect(bindAny(req, transport).address);
    const id = Buffer.alloc(4);
    id.writeUInt32BE((0x80000000 | 12345) >>> 0);
    // A cooked REP may connect after the first send: resend until it answers.
    let reply;
    for (let attempt = 0; reply === undefined && attempt < 50; attempt++) {
      await req.sendMessage({ body: 'ping', header: id });
      const got = rep.tryRecv() ?? (await sleep(50), rep.tryRecv());
      if (got !== undefined) {
        expect(got.toString()).toBe('ping');
        await rep.send('pong');
        reply = await req.recvMessage({ timeout: 5000 });
      }
    }
    expect(reply).toBeDefined();
    expect(reply!.body.toString()).toBe('pong');
    expect(reply!.header.equals(id)).toBe(true);
  });

  it('a reply sent with a stale or empty header is dropped by the raw REP, not delivered', async () => {
    const rep = make('NN_REP', { raw: true });
    const req = make('NN_REQ');
    req.connect(bindAny(rep, transport).address);
    await req.send('q');
    const m = await rep.recvMessage({ timeout: 5000 });
    await rep.sendMessage({ body: 'lost', header: Buffer.alloc(0) });
    const bogus = Buffer.from(m.header);
    bogus.writeUInt32BE((bogus.readUInt32BE(0) + 1) >>> 0, 0); // a pipe that does not exist
    await rep.sendMessage({ body: 'lost too', header: bogus });
    await rep.sendMessage({ body: 'right', header: m.header });
    expect((await req.recv({ timeout: 5000 })).toString()).toBe('right');
  });
});

describe('statistics with raw messages', () => {
  it('count messages and body bytes (not the SP header) on both ends', async () => {
    const rep = make('NN_REP', { raw: true });
    const req = make('NN_REQ');
    req.connect(bindAny(rep, 'ipc').address);
    const before = rep.statistics();
    expect([
      before.messagesReceived,
      before.bytesReceived,
      before.messagesSent,
      before.bytesSent,
    ]).toEqual([0, 0, 0, 0]);
    await req.send('hello');
    const m = await rep.recvMessage({ timeout: 5000 });
    await rep.sendMessage({ body: 'world!', header: m.header });
    await req.recv({ timeout: 5000 });
    await req.send('again');
    const m2 = await rep.recvMessage({ timeout: 5000 });
    await rep.sendMessage({ body: 'ok', header: m2.header });
    await req.recv({ timeout: 5000 });
    const r = rep.statistics();
    expect([r.messagesReceived, r.bytesReceived, r.messagesSent, r.bytesSent]).toEqual([
      2, 10, 2, 8,
    ]);
    const q = req.statistics();
    expect([q.messagesSent, q.bytesSent, q.messagesReceived, q.bytesReceived]).toEqual([
      2, 10, 2, 8,
    ]);
    expect(r.currentConnections).toBe(1);
  });
});

describe("raw messages on cooked sockets (the library's behaviour)", () => {
  it('recvMessage on a cooked socket gives an empty header: the protocol consumed it', async () => {
    const a = make('NN_PAIR');
    const b = make('NN_PAIR');
    b.connect(bindAny(a, 'inproc').address);
    await b.send('plain');
    const m = await a.recvMessage({ timeout: 5000 });
    expect(m.body.toString()).toBe('plain');
    expect(m.header.length).toBe(0);
  });

  it('recvMessage on a cooked REP gives an empty header and the reply still finds its way', async () => {
    const rep = make('NN_REP');
    const req = make('NN_REQ');
    req.connect(bindAny(rep, 'ipc').address);
    await req.send('hello');
    const m = await rep.recvMessage({ timeout: 5000 });
    expect(m.header.length).toBe(0);
    await rep.sendMessage({ body: 'world', header: m.header });
    expect((await req.recv({ timeout: 5000 })).toString()).toBe('world');
  });

  it('sendMessage with a header on a cooked socket rejects with EINVAL (the library would abort a cooked REP)', async () => {
    const rep = make('NN_REP');
    const req = make('NN_REQ');
    req.connect(bindAny(rep, 'inproc').address);
    await req.send('q');
    await rep.recv({ timeout: 5000 });
    const err = await rejection(
      rep.sendMessage({ body: 'x', header: Buffer.from([0x80, 0, 0, 1]) }),
    );
    expect(err).toBeInstanceOf(NanomsgError);
    expect(err.code).toBe('EINVAL');
    expect(err.syscall).toBe('nn_sendmsg');
    // The socket is intact and still owes its reply.
    await rep.send('after');
    expect((await req.recv({ timeout: 5000 })).toString()).toBe('after');
  });

  it('rejects a malformed message with a TypeError before anything reaches the library', async () => {
    const s = make('NN_PAIR', { raw: true });
    await expect(s.sendMessage(null as never)).rejects.toBeInstanceOf(TypeError);
    await expect(
      s.sendMessage({ body: 5, header: Buffer.alloc(0) } as never),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(s.sendMessage({ body: 'x', header: 'not bytes' } as never)).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(s.sendMessage({ body: 'x' } as never)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('raw messages share the waiting machinery of recv and send', () => {
  function rawPair(transport: Transport = 'inproc'): { a: Socket; b: Socket } {
    const a = make('NN_PAIR', { raw: true });
    const b = make('NN_PAIR', { raw: true });
    b.connect(bindAny(a, transport).address);
    return { a, b };
  }

  it('recv, recvMessage and iteration waiting together are served in call order', async () => {
    const { a, b } = rawPair();
    const first = a.recv();
    const second = a.recvMessage();
    const third = a.recv();
    const it = a[Symbol.asyncIterator]();
    const fourth = it.next();
    const fifth = a.recvMessage();
    for (const m of ['1', '2', '3', '4', '5']) await b.send(m);
    expect((await first).toString()).toBe('1');
    const m2 = await second;
    expect(m2.body.toString()).toBe('2');
    expect(m2.header.length).toBe(0); // a raw PAIR adds no header
    expect((await third).toString()).toBe('3');
    expect((await fourth).value?.toString()).toBe('4');
    expect((await fifth).body.toString()).toBe('5');
  });

  it('messages taken ahead by a batch keep their headers for a later recvMessage', async () => {
    const rep = make('NN_REP', { raw: true });
    const reqs = [make('NN_REQ'), make('NN_REQ'), make('NN_REQ')];
    const addr = bindAny(rep, 'ipc').address;
    for (const r of reqs) r.connect(addr);
    await Promise.all(reqs.map((r, i) => r.send(`q${i}`)));
    await sleep(150); // all three queued in the library
    // recv takes one; the batch it pulls puts the other two in the inbox ...
    const first = (await rep.recv({ timeout: 5000 })).toString();
    expect(rep.statistics().messagesReceived).toBe(3);
    // ... from where recvMessage gives them with their headers, good for replies.
    const answered: string[] = [];
    for (let i = 0; i < 2; i++) {
      const m = await rep.recvMessage({ timeout: 5000 });
      expect(m.header.length).toBe(8);
      answered.push(m.body.toString());
      await rep.sendMessage({ body: `a:${m.body.toString()}`, header: m.header });
    }
    expect([first, ...answered].sort()).toEqual(['q0', 'q1', 'q2']);
    for (const q of answered) {
      const r = reqs[Number(q.slice(1))]!;
      expect((await r.recv({ timeout: 5000 })).toString()).toBe(`a:${q}`);
    }
  });

  it('send and sendMessage waiting for a peer go out in call order', async () => {
    const a = make('NN_PAIR', { raw: true });
    const addr = bindAny(a, 'ipc').address;
    const sends = [
      a.send('1'),
      a.sendMessage({ body: '2', header: new Uint8Array(0) }),
      a.send('3'),
      a.sendMessage({ body: Buffer.from('4'), header: new ArrayBuffer(0) }),
    ];
    expect(await state(sends[0]!)).toBe('pending');
    const b = make('NN_PAIR', { raw: true });
    b.connect(addr);
    await Promise.all(sends);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push((await b.recv({ timeout: 5000 })).toString());
    expect(got).toEqual(['1', '2', '3', '4']);
  });

  it('a queued sendMessage sends the header as it was when called', async () => {
    const req = make('NN_REQ', { raw: true });
    const addr = bindAny(req, 'ipc').address;
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0x80000007);
    const sent = req.sendMessage({ body: 'q', header });
    header.writeUInt32BE(0x80000009); // changed while the send waits for a peer
    const rep = make('NN_REP', { raw: true });
    rep.connect(addr);
    await sent;
    const m = await rep.recvMessage({ timeout: 5000 });
    expect(words(m.header).at(-1)).toBe(0x80000007);
  });

  it('recvMessage times out with ETIMEDOUT, and a later message still arrives', async () => {
    const { a, b } = rawPair();
    const started = Date.now();
    const err = await rejection(a.recvMessage({ timeout: 60 }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.syscall).toBe('nn_recvmsg');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    await b.send('late');
    expect((await a.recvMessage({ timeout: 5000 })).body.toString()).toBe('late');
  });

  it('recvMessage takes the receiveTimeout default; timeout 0 only takes what is ready', async () => {
    const { a, b } = rawPair();
    a.receiveTimeout = 40;
    expect((await rejection(a.recvMessage())).code).toBe('ETIMEDOUT');
    expect((await rejection(a.recvMessage({ timeout: 0 }))).code).toBe('ETIMEDOUT');
    await b.send('ready');
    await sleep(20);
    expect((await a.recvMessage({ timeout: 0 })).body.toString()).toBe('ready');
  });

  it('an aborted recvMessage rejects with the reason and loses no message', async () => {
    const { a, b } = rawPair();
    const controller = new AbortController();
    const waiting = a.recvMessage({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await b.send('kept');
    expect((await a.recv({ timeout: 5000 })).toString()).toBe('kept');
  });

  it('an aborted sendMessage rejects and is not sent; the next one is', async () => {
    const a = make('NN_PAIR', { raw: true });
    const addr = bindAny(a, 'ipc').address;
    const controller = new AbortController();
    const dropped = a.sendMessage(
      { body: 'dropped', header: Buffer.alloc(0) },
      { signal: controller.signal },
    );
    controller.abort();
    expect((await rejection(dropped)).name).toBe('AbortError');
    const b = make('NN_PAIR', { raw: true });
    b.connect(addr);
    await a.sendMessage({ body: 'kept', header: Buffer.alloc(0) }, { timeout: 5000 });
    expect((await b.recv({ timeout: 5000 })).toString()).toBe('kept');
  });

  it('close rejects pending recvMessage and sendMessage with EBADF, and later calls too', async () => {
    const a = make('NN_PAIR', { raw: true });
    bindAny(a, 'ipc');
    const r = rejection(a.recvMessage());
    const s = rejection(a.sendMessage({ body: 'never', header: Buffer.alloc(0) }));
    await a.close();
    const [re, se] = [await r, await s];
    expect([re.code, re.syscall]).toEqual(['EBADF', 'nn_recvmsg']);
    expect([se.code, se.syscall]).toEqual(['EBADF', 'nn_sendmsg']);
    expect((await rejection(a.recvMessage())).code).toBe('EBADF');
    expect((await rejection(a.sendMessage({ body: 'x', header: Buffer.alloc(0) }))).code).toBe(
      'EBADF',
    );
  });

  it('large bodies pass intact with their header', async () => {
    const rep = make('NN_REP', { raw: true });
    const req = make('NN_REQ');
    rep.receiveMaxSize = -1;
    req.receiveMaxSize = -1;
    req.connect(bindAny(rep, 'tcp').address);
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    await req.send(big);
    const m = await rep.recvMessage({ timeout: 10_000 });
    expect(m.body.equals(big)).toBe(true);
    await rep.sendMessage({ body: m.body, header: m.header });
    expect((await req.recv({ timeout: 10_000 })).equals(big)).toBe(true);
  });
});
