// Faults: peers that die mid-stream and come back, REP workers that die with
// requests outstanding, a subscriber far slower than its publisher, and
// sockets closed under full load in both directions. Peers run as child
// processes (./fixtures) and are killed with SIGKILL.
import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Socket } from '@nanomsg-ts/core';
import { Push } from '@nanomsg-ts/pipeline';
import { Req } from '@nanomsg-ts/reqrep';
import {
  Child,
  address,
  bindAny,
  killChildren,
  slope,
  sleep,
  waitFor,
  type Transport,
} from '@nanomsg-ts/testkit';

afterEach(killChildren);

/** The sequence numbers a pull-peer printed, in order. */
function received(child: Child): number[] {
  return child.stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

function contiguous(seqs: readonly number[]): boolean {
  return seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
}

describe('a peer process killed mid-stream and restarted', () => {
  it.each(['tcp', 'ipc'] as const)(
    'over %s: the connection comes back within reconnectInterval; nothing sent after it is lost, and only messages in flight at the kill are',
    async (transport: Transport) => {
      const RECONNECT = 100;
      const where = address(transport);
      const push = new Push({ reconnectInterval: RECONNECT, reconnectIntervalMax: 0 });
      push.connect(where);
      let first = new Child('pull-peer.mjs', [where]);
      await first.line((l) => l.startsWith('{"bound"'));
      let sent = 0;
      let stop = false;
      const sender = (async () => {
        while (!stop) {
          await push.send(String(sent));
          sent++;
          if (sent % 50 === 0) await sleep(1);
        }
      })();
      await waitFor(() => received(first).length >= 2000, 'the first peer to get 2000 messages');
      const killed = await first.kill('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      const sentAtKill = sent;
      await sleep(300); // the peer is down for a while; sends wait meanwhile
      const sentWhileDown = sent - sentAtKill;
      const second = new Child('pull-peer.mjs', [where]);
      const bound = JSON.parse(await second.line((l) => l.startsWith('{"bound"'))) as {
        bound: number;
      };
      const firstMessage = JSON.parse(await second.line((l) => l.startsWith('{"first"'))) as {
        first: number;
        at: number;
      };
      await waitFor(() => received(second).length >= 2000, 'the second peer to get 2000 messages');
      stop = true;
      await sender;
      await waitFor(() => received(second).at(-1) === sent - 1, 'the last message to arrive');
      await push.close();

      const one = received(first);
      const two = received(second);
      const reconnectMs = firstMessage.at - bound.bound;
      const lost = sent - one.length - two.length;
      console.log(
        `${transport}: reconnected ${reconnectMs} ms after the new peer bound (reconnectInterval ${RECONNECT}); ` +
          `sent ${sent} (${sentWhileDown} while the peer was down), first peer got ${one.length}, second ${two.length}, ` +
          `lost ${lost} (seq ${one.at(-1)! + 1} to ${two[0]! - 1}, in flight at the kill)`,
      );
      expect(reconnectMs).toBeLessThanOrEqual(RECONNECT + 150);
      expect(one[0]).toBe(0);
      expect(contiguous(one)).toBe(true);
      expect(contiguous(two)).toBe(true);
      expect(two.at(-1)).toBe(sent - 1);
      // What was lost is one run of messages handed to the dead connection.
      expect(two[0]! - one.at(-1)! - 1).toBe(lost);
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(two[0]!).toBeLessThanOrEqual(sentAtKill + 1);
      first = second;
    },
    60_000,
  );
});

describe('REP workers dying with requests outstanding', () => {
  it('every request is answered, the ones the dead worker held by another worker (REQ resend)', async () => {
    const addresses = [address('tcp'), address('tcp'), address('tcp')];
    const workers = ['A', 'B', 'C'].map(
      (name, i) => new Child('rep-worker.mjs', [addresses[i]!, name, '20']),
    );
    await Promise.all(workers.map((w) => w.line('bound')));
    const CLIENTS = 10;
    const PER_CLIENT = 30;
    // The resend interval must stay well above the time a request waits in a
    // live worker's queue (20 ms each, up to 10 queued: 200 ms with one worker
    // left, several times that on a loaded machine): a REQ resends to the
    // same queue when it runs out, so a shorter interval floods the last
    // worker with duplicates faster than it answers and nothing completes.
    const clients = Array.from({ length: CLIENTS }, () => {
      const req = new Req({ resendInterval: 2000 });
      for (const a of addresses) req.connect(a);
      return req;
    });
    // The test counts on every worker being reachable from every client
    // (what the library promises once connected); say which is not.
    const connected = (w: Child) =>
      Number(
        w.stdout
          .match(/^connections (\d+)$/gm)
          ?.at(-1)
          ?.slice(12) ?? 0,
      );
    try {
      await waitFor(
        () => workers.every((w) => connected(w) >= CLIENTS),
        `every worker to have ${CLIENTS} connections`,
        20_000,
      );
    } catch (error) {
      const state = workers.map((w, i) => `${'ABC'[i]} ${addresses[i]}: ${connected(w)}`);
      const stats = clients.map((c) => {
        const s = c.statistics();
        return `${s.currentConnections} up, ${s.establishedConnections} made, ${s.connectErrors} connect errors, ${s.brokenConnections} broken`;
      });
      throw new Error(
        `${String(error)}; workers ${state.join(', ')}; clients: ${stats.join('; ')}`,
      );
    }
    const answers = new Map<string, string>();
    const errors: unknown[] = [];
    let answered = 0;
    const runs = clients.map(async (req, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const body = `c${c}-r${i}`;
        try {
          answers.set(body, String(await req.request(body, { timeout: 15_000 })));
          answered++;
        } catch (error) {
          errors.push(error);
        }
      }
    });
    // Kill A, then B, each while it holds requests.
    const held = (w: Child) => {
      const got = w.stdout.match(/^got (\S+)$/gm)?.map((l) => l.slice(4)) ?? [];
      // Not yet replying: a reply the worker started to send may still
      // arrive after it is killed (the kernel delivers what it was given).
      const done = new Set(w.stdout.match(/^send (\S+)$/gm)?.map((l) => l.slice(5)) ?? []);
      return got.filter((g) => !done.has(g));
    };
    // Kill one worker, then another, each while it holds requests (whichever
    // holds one first: under load a given worker may be between requests).
    const names = ['A', 'B', 'C'];
    const holder = (among: number[]) => among.find((i) => held(workers[i]!).length > 0);
    await waitFor(() => answered >= 60, '60 answers');
    await waitFor(() => holder([0, 1, 2]) !== undefined, 'a worker to hold a request');
    const first = holder([0, 1, 2])!;
    await workers[first]!.kill('SIGKILL');
    const heldByA = held(workers[first]!);
    const rest = [0, 1, 2].filter((i) => i !== first);
    await waitFor(() => answered >= 150, '150 answers');
    await waitFor(() => holder(rest) !== undefined, 'a second worker to hold a request');
    const second = holder(rest)!;
    await workers[second]!.kill('SIGKILL');
    const heldByB = held(workers[second]!);
    const survivorIndex = rest.find((i) => i !== second)!;
    const survivor = names[survivorIndex]!;
    // Fail with what was going on rather than at the test's own timeout.
    let phase = 'waiting for every request to be answered';
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => {
      watchdog = setTimeout(() => {
        const state = workers.map(
          (w, i) =>
            `${names[i]}: ${w.running ? 'running' : 'dead'}, got ${w.stdout.match(/^got /gm)?.length ?? 0}, done ${w.stdout.match(/^done /gm)?.length ?? 0}`,
        );
        const firstErrors = errors.slice(0, 3).map(String).join('; ');
        reject(
          new Error(
            `stuck 60 s ${phase}: ${answered} of ${CLIENTS * PER_CLIENT} answered, ${errors.length} errors (${firstErrors}); ${state.join('; ')}`,
          ),
        );
      }, 60_000);
    });
    try {
      await Promise.race([Promise.all(runs), stuck]);
      phase = 'closing the REQ sockets';
      await Promise.race([Promise.all(clients.map((c) => c.close())), stuck]);
    } finally {
      clearTimeout(watchdog);
    }
    const by = (name: string) =>
      [...answers.values()].filter((a) => a.endsWith(` by ${name}`)).length;
    console.log(
      `workers: ${answered} of ${CLIENTS * PER_CLIENT} answered (A ${by('A')}, B ${by('B')}, C ${by('C')}); ` +
        `killed ${names[first]} holding ${heldByA.length}, then ${names[second]} holding ${heldByB.length}; errors ${errors.length}`,
    );
    expect(errors).toEqual([]);
    expect(answered).toBe(CLIENTS * PER_CLIENT);
    for (const [body, answer] of answers) expect(answer.startsWith(`${body} by `)).toBe(true);
    expect(heldByA.length + heldByB.length).toBeGreaterThan(0);
    for (const body of [...heldByA, ...heldByB]) {
      expect(answers.get(body), `${body}, held by a dead worker`).not.toMatch(
        new RegExp(` by ${names[first]}$`),
      );
    }
    for (const body of heldByB) expect(answers.get(body)).toMatch(new RegExp(` by ${survivor}$`));
  }, 90_000);
});

describe('a slow subscriber', () => {
  it('does not grow memory without bound (SUB takes 1 message per 5 ms, PUB floods 1 KiB messages for 12 s)', async () => {
    const where = address('tcp');
    const pub = new Child('pub-flood.mjs', [where, '12'], {
      execArgv: ['--expose-gc'],
      timeout: 60_000,
    });
    await pub.line((l) => l.startsWith('{"bound"'));
    const sub = new Child('slow-sub.mjs', [where], { execArgv: ['--expose-gc'], timeout: 60_000 });
    await pub.line((l) => l.startsWith('{"done"'), 40_000);
    await sub.kill('SIGTERM');
    type M = { rss: number; external: number; sent?: number; received?: number };
    const pubs = pub.json<M>().filter((m) => m.rss !== undefined);
    const subs = sub.json<M>().filter((m) => m.rss !== undefined);
    const half = (xs: M[]) => xs.slice(Math.floor(xs.length / 2));
    const perSecond = (xs: M[], key: 'rss' | 'external') =>
      slope(
        half(xs).map((_, i) => i / 4),
        half(xs).map((m) => m[key]),
      );
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    const sent = pubs.at(-1)!.sent!;
    const got = subs.at(-1)!.received!;
    console.log(
      `slow sub: published ${sent}, received ${got}; sub rss ${mb(subs[0]!.rss)} -> ${mb(subs.at(-1)!.rss)} MiB ` +
        `(slope ${mb(perSecond(subs, 'rss'))} MiB/s over the second half), external ${mb(subs[0]!.external)} -> ${mb(subs.at(-1)!.external)} MiB; ` +
        `pub rss ${mb(pubs[0]!.rss)} -> ${mb(pubs.at(-1)!.rss)} MiB (slope ${mb(perSecond(pubs, 'rss'))} MiB/s)`,
    );
    expect(subs.length).toBeGreaterThan(30);
    expect(got).toBeGreaterThan(500); // it did receive
    expect(sent).toBeGreaterThan(got * 5); // and it was far slower than the publisher
    for (const [who, xs] of [
      ['sub', subs],
      ['pub', pubs],
    ] as const) {
      expect(Math.max(...xs.map((m) => m.rss)) - xs[0]!.rss, `${who} RSS growth`).toBeLessThan(
        64 * 2 ** 20,
      );
      expect(perSecond(xs, 'rss'), `${who} RSS growth per second, second half`).toBeLessThan(
        2 ** 20,
      );
      expect(
        perSecond(xs, 'external'),
        `${who} external growth per second, second half`,
      ).toBeLessThan(2 ** 19);
    }
  }, 60_000);
});

describe('operations that complete at once, in loops', () => {
  it('still let the event loop run: 8 send and 8 receive loops on each of two PAIRs over inproc, and a 20 ms timer fires on time (it never did)', async () => {
    const child = new Child('starvation.mjs', ['NN_PAIR'], { timeout: 10_000 });
    const result = await child.done;
    expect(result.timedOut, 'the event loop never ran the timer').toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const [out] = child.json<{ timer: number; operations: number }>();
    console.log(
      `starvation: the 20 ms timer fired after ${out!.timer} ms, ${out!.operations} operations done`,
    );
    expect(out!.timer).toBeLessThan(500);
    expect(out!.operations).toBeGreaterThan(1000);
  });
});

describe('closing sockets under full load in both directions', () => {
  const cases: [string, string, Transport][] = [];
  for (const t of ['inproc', 'ipc', 'tcp'] as Transport[]) {
    cases.push(['NN_PAIR', 'NN_PAIR', t], ['NN_BUS', 'NN_BUS', t], ['NN_REQ', 'NN_REP', t]);
  }

  /**
   * Keeps `socket` busy until it is closed: 8 loops sending 16 KiB messages
   * and 8 loops receiving (REQ and REP: one loop taking turns, as the
   * protocol wants). Every outcome is counted by kind.
   */
  function load(socket: Socket, counts: Map<string, number>): Promise<void>[] {
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    const outcome = async (op: Promise<unknown>, what: 'send' | 'recv'): Promise<boolean> => {
      try {
        await op;
        count(`${what} ok`);
        return true;
      } catch (error) {
        count(`${what} ${(error as NanomsgError).code ?? String(error)}`);
        return false;
      }
    };
    const body = Buffer.alloc(16 * 1024, 1);
    const loops: Promise<void>[] = [];
    if (socket.protocol === 'NN_REQ') {
      loops.push(
        (async () => {
          while (
            (await outcome(socket.send(body), 'send')) &&
            (await outcome(socket.recv(), 'recv'))
          );
        })(),
      );
    } else if (socket.protocol === 'NN_REP') {
      loops.push(
        (async () => {
          while (
            (await outcome(socket.recv(), 'recv')) &&
            (await outcome(socket.send(body), 'send'))
          );
        })(),
      );
    } else {
      for (let i = 0; i < 8; i++) {
        loops.push(
          (async () => {
            while (await outcome(socket.send(body), 'send'));
          })(),
          (async () => {
            while (await outcome(socket.recv(), 'recv'));
          })(),
        );
      }
    }
    return loops;
  }

  it.each(cases)(
    '%s with %s over %s: 10 rounds of closing one side, then the other, mid-traffic; no crash, every waiting operation settles EBADF',
    async (pa, pb, transport) => {
      const countsA = new Map<string, number>();
      const countsB = new Map<string, number>();
      let iteratorsEnded = 0;
      for (let round = 0; round < 10; round++) {
        const a = new Socket(pa);
        const b = new Socket(pb);
        b.connect(bindAny(a, transport).address);
        const loopsA = load(a, countsA);
        const loopsB = load(b, countsB);
        // An iterator too, where it does not take another loop's reply.
        const iterator = pa === 'NN_REQ' ? undefined : a[Symbol.asyncIterator]();
        const iterated = iterator?.next();
        await sleep(50 + round * 10);
        const closing = a.close();
        await Promise.all(loopsA); // every loop of `a` ended: its operations settled
        if (iterator !== undefined) {
          const it = await iterated!;
          if (it.done === true) iteratorsEnded++;
          expect((await iterator.next()).done).toBe(true);
        }
        await closing;
        await sleep(20);
        await b.close();
        await Promise.all(loopsB);
      }
      const show = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(
        `${pa}/${pb} over ${transport}: closed side: ${show(countsA)}; other side: ${show(countsB)}; iterators ending at the close ${iteratorsEnded}`,
      );
      for (const m of [countsA, countsB]) {
        expect([...m.keys()].filter((k) => !k.endsWith(' ok') && !k.endsWith(' EBADF'))).toEqual(
          [],
        );
      }
      expect(countsA.get('recv EBADF') ?? 0).toBeGreaterThan(0);
      expect((countsB.get('recv EBADF') ?? 0) + (countsB.get('send EBADF') ?? 0)).toBeGreaterThan(
        0,
      );
    },
    60_000,
  );
});
