// A REQ/REP broker: REQ clients -> raw REP | forwarder | raw REQ -> REP workers,
// tcp on the clients' side and ipc on the workers' side. The forwarder is
// either device() or a loop in TypeScript on recvMessage/sendMessage.
import { describe, expect, it } from 'vitest';
import { NanomsgError, device, type Socket } from '@nanomsg-ts/core';
import { bindAny, rejection, useSockets, waitFor } from '@nanomsg-ts/testkit';

const make = useSockets();

interface Broker {
  front: Socket;
  back: Socket;
  clients: Socket[];
  workers: Socket[];
}

function broker(clientCount: number, workerCount: number): Broker {
  const front = make('NN_REP', { raw: true });
  const back = make('NN_REQ', { raw: true });
  const frontAddress = bindAny(front, 'tcp').address;
  const backAddress = bindAny(back, 'ipc').address;
  const clients = Array.from({ length: clientCount }, () => {
    const c = make('NN_REQ');
    c.connect(frontAddress);
    return c;
  });
  const workers = Array.from({ length: workerCount }, () => {
    const w = make('NN_REP');
    w.connect(backAddress);
    return w;
  });
  return { front, back, clients, workers };
}

/** Workers answer `<worker>:<request>` until closed; returns how many each served. */
function serve(workers: Socket[]): number[] {
  const served = workers.map(() => 0);
  workers.forEach(async (w, i) => {
    for (;;) {
      let request: Buffer;
      try {
        request = await w.recv();
      } catch {
        return; // closed at the end of the test
      }
      served[i]! += 1;
      await w.send(`w${i}:${request.toString()}`).catch(() => {});
    }
  });
  return served;
}

/** Every client sends `rounds` requests, one at a time, and checks each reply is its own. */
async function exercise(clients: Socket[], rounds: number): Promise<void> {
  await Promise.all(
    clients.map(async (c, ci) => {
      for (let r = 0; r < rounds; r++) {
        const request = `c${ci}-r${r}`;
        await c.send(request);
        const reply = (await c.recv({ timeout: 10_000 })).toString();
        expect(reply).toMatch(new RegExp(`^w\\d+:${request}$`));
      }
    }),
  );
}

/** A forwarder in TypeScript: raw messages with their headers, one direction; ends on close. */
async function forward(from: Socket, to: Socket): Promise<number> {
  let count = 0;
  for (;;) {
    let m;
    try {
      m = await from.recvMessage();
      await to.sendMessage(m);
    } catch (error) {
      if (NanomsgError.isInstance(error) && error.code === 'EBADF') return count;
      throw error;
    }
    count += 1;
  }
}

describe('REQ/REP broker through device()', () => {
  it('routes every request to a worker and every reply back to its own client', async () => {
    const { front, back, clients, workers } = broker(4, 3);
    const served = serve(workers);
    const running = device(front, back);
    await exercise(clients, 10);
    expect(served.reduce((a, b) => a + b, 0)).toBe(40);
    // The device's own traffic shows in the raw sockets' counters: 40
    // requests in at the front and out at the back, 40 replies the other way.
    // The library may count a send just after its peer already got it.
    await waitFor(() => (front.statistics().messagesSent ?? 0) >= 40, 'the device counters');
    const f = front.statistics();
    const b = back.statistics();
    expect(f.messagesReceived).toBe(40);
    expect(b.messagesSent).toBe(40);
    expect(b.messagesReceived).toBe(40);
    expect(f.messagesSent).toBe(40);
    const err = rejection(running);
    await front.close();
    expect((await err).code).toBe('EBADF');
  });

  it('spreads requests over the workers (the raw REQ load-balances)', async () => {
    const { front, back, clients, workers } = broker(2, 2);
    const served = serve(workers);
    const running = rejection(device(front, back));
    await exercise(clients, 20);
    expect(served[0]! + served[1]!).toBe(40);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
    await back.close();
    expect((await running).code).toBe('EBADF');
  });

  it('carries large requests and replies through the device intact', async () => {
    const { front, back, clients, workers } = broker(1, 1);
    for (const s of [front, back, ...clients, ...workers]) s.receiveMaxSize = -1;
    const running = rejection(device(front, back));
    const big = Buffer.alloc(2 * 1024 * 1024, 0x5a);
    big.write('head');
    await clients[0]!.send(big);
    const got = await workers[0]!.recv({ timeout: 10_000 });
    expect(got.equals(big)).toBe(true);
    await workers[0]!.send(Buffer.concat([got, Buffer.from('!')]));
    const reply = await clients[0]!.recv({ timeout: 10_000 });
    expect(reply.length).toBe(big.length + 1);
    expect(reply.subarray(0, 4).toString()).toBe('head');
    await front.close();
    expect((await running).code).toBe('EBADF');
  });
});

describe('REQ/REP broker through a TypeScript forwarder on recvMessage/sendMessage', () => {
  it('routes every request to a worker and every reply back to its own client', async () => {
    const { front, back, clients, workers } = broker(4, 3);
    const served = serve(workers);
    const requests = forward(front, back);
    const replies = forward(back, front);
    await exercise(clients, 10);
    expect(served.reduce((a, b) => a + b, 0)).toBe(40);
    await Promise.all([front.close(), back.close()]);
    expect(await requests).toBe(40);
    expect(await replies).toBe(40);
  });

  it('a request through two brokers in a row carries two hops and still gets its reply', async () => {
    // client -> [front1 | back1] -> [front2 | back2] -> worker
    const front1 = make('NN_REP', { raw: true });
    const back1 = make('NN_REQ', { raw: true });
    const front2 = make('NN_REP', { raw: true });
    const back2 = make('NN_REQ', { raw: true });
    const client = make('NN_REQ');
    const worker = make('NN_REP');
    client.connect(bindAny(front1, 'tcp').address);
    back1.connect(bindAny(front2, 'ipc').address);
    worker.connect(bindAny(back2, 'ipc').address);
    const seenHeaders: number[] = [];
    const relay = async (from: Socket, to: Socket): Promise<void> => {
      for (;;) {
        const m = await from.recvMessage().catch(() => undefined);
        if (m === undefined) return;
        seenHeaders.push(m.header.length);
        await to.sendMessage(m).catch(() => {});
      }
    };
    void relay(front1, back1);
    void relay(back1, front1);
    void relay(front2, back2);
    void relay(back2, front2);
    await client.send('deep');
    expect((await worker.recv({ timeout: 10_000 })).toString()).toBe('deep');
    await worker.send('back up');
    expect((await client.recv({ timeout: 10_000 })).toString()).toBe('back up');
    // Requests: 8 bytes at front1 (its pipe key + the request id), 12 at
    // front2 (one hop more). Replies: a raw REQ takes only the first word as
    // the header (the pipe key of the next stage back); the rest of the
    // backtrace stays in the body, so 4 bytes at back2 and at back1.
    expect(seenHeaders).toEqual([8, 12, 4, 4]);
  });
});
