// A concurrent Req pairs every reply with its own request: thousands of
// requests at once, answered out of order by a concurrent Rep's `serve`, by a
// cooked Rep's `serve`, and by several Rep workers at once (load-balanced),
// over inproc, ipc and tcp.
import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, connections, sleep, track, type Transport } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

const transports: readonly Transport[] = ['inproc', 'ipc', 'tcp'];

/** Request `i`: its number, then 0 to 64 random bytes, so no two look alike by accident. */
function requestBody(i: number): Buffer {
  return Buffer.concat([Buffer.from(`q${i}:`), randomBytes(randomInt(65))]);
}

/** The reply of worker `name` to `request`: it embeds the request whole. */
function replyOf(name: string, request: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${name}<`), request, Buffer.from('>')]);
}

/**
 * A handler that answers after 0 to `maxDelay` ms, so replies leave out of
 * order (at 0 it answers synchronously, with a plain value); counts its
 * calls by request in `seen`.
 */
function handler(name: string, seen: Map<string, number>, maxDelay = 3) {
  return (request: Buffer): Buffer | Promise<Buffer> => {
    const key = request.toString('hex');
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const delay = randomInt(maxDelay + 1);
    const reply = replyOf(name, request);
    return delay === 0 ? reply : sleep(delay).then(() => reply);
  };
}

/** Checks that reply `i` is `name`'s answer to request `i` (or any of `names`'). */
function expectPaired(
  requests: readonly Buffer[],
  replies: readonly Buffer[],
  names: readonly string[],
): Map<string, number> {
  const byWorker = new Map<string, number>(names.map((n) => [n, 0]));
  const wrong: number[] = [];
  for (const [i, reply] of replies.entries()) {
    const name = names.find((n) => reply.equals(replyOf(n, requests[i]!)));
    if (name === undefined) wrong.push(i);
    else byWorker.set(name, byWorker.get(name)! + 1);
  }
  expect(wrong, 'requests whose reply is not their own').toEqual([]);
  return byWorker;
}

describe.each(transports)('a concurrent Req over %s', (transport) => {
  it('gets its own reply to each of 4,000 requests at once from a concurrent Rep (handlers wait 0-3 ms)', async () => {
    const rep = sockets.add(new Rep({ concurrent: true }));
    const req = sockets.add(new Req({ concurrent: true }));
    req.connect(bindAny(rep, transport).address);
    const seen = new Map<string, number>();
    const serving = rep.serve(handler('rep', seen));
    const N = 4000;
    const requests = Array.from({ length: N }, (_, i) => requestBody(i));
    const replies = await Promise.all(requests.map((r) => req.request(r, { timeout: 15_000 })));
    expectPaired(requests, replies, ['rep']);
    // Each request reached the handler once: nothing was resent or duplicated.
    expect(seen.size).toBe(N);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(req.statistics().messagesSent).toBe(N);
    expect(req.statistics().messagesReceived).toBe(N);
    await rep.close();
    await serving;
  });

  it("gets its own reply to each of 300 requests at once from a cooked Rep's serve", async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req({ concurrent: true }));
    req.connect(bindAny(rep, transport).address);
    const seen = new Map<string, number>();
    const serving = rep.serve(handler('cooked', seen));
    const requests = Array.from({ length: 300 }, (_, i) => requestBody(i));
    const replies = await Promise.all(requests.map((r) => req.request(r, { timeout: 15_000 })));
    expectPaired(requests, replies, ['cooked']);
    expect(seen.size).toBe(requests.length);
    await rep.close();
    await serving;
  });
});

describe.each(['inproc', 'tcp'] as const)(
  'a concurrent Req and four Rep workers over %s',
  (transport) => {
    it('2,000 requests at once are spread over every worker, and each gets its own reply', async () => {
      const req = sockets.add(new Req({ concurrent: true }));
      const names = ['w1', 'w2', 'w3', 'cooked'];
      const seen = names.map(() => new Map<string, number>());
      const workers = names.map((name, k) => {
        const concurrent = name !== 'cooked';
        const rep = sockets.add(new Rep({ concurrent }));
        req.connect(bindAny(rep, transport).address);
        const opts = concurrent ? { concurrency: 16 } : undefined;
        return { rep, serving: rep.serve(handler(name, seen[k]!, 1), opts) };
      });
      // Every worker is reachable before the first request, or the first
      // connected would take them all.
      await connections(req, names.length);
      const N = 2000;
      const requests = Array.from({ length: N }, (_, i) => requestBody(i));
      const replies = await Promise.all(requests.map((r) => req.request(r, { timeout: 15_000 })));
      const byWorker = expectPaired(requests, replies, names);
      for (const [k, name] of names.entries()) {
        expect(byWorker.get(name), `requests answered by ${name}`).toBeGreaterThan(0);
        // What a worker's handler saw is what it answered: no request went twice.
        expect(seen[k]!.size, `requests seen by ${name}`).toBe(byWorker.get(name));
      }
      expect(seen.reduce((sum, s) => sum + s.size, 0)).toBe(N);
      for (const { rep, serving } of workers) {
        await rep.close();
        await serving;
      }
    });
  },
);
