// Every protocol of @nanomsg-ts/web in Chromium against its Node.js peer
// over libnanomsg's ws transport, with the server sending binary frames and
// then text frames (`wsMessageType`) where the protocol allows it. The browser cannot listen, so the Node.js
// socket always binds and the page's always connects. Messages are UTF-8 text
// here, which both frame types carry; bytes of every value, 0 B and 1 MiB are
// in sizes.test.ts.
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Bus } from '@nanomsg-ts/bus';
import { Pair } from '@nanomsg-ts/pair';
import { Pull, Push } from '@nanomsg-ts/pipeline';
import { Pub, Sub } from '@nanomsg-ts/pubsub';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import { bindAny, connections, useInterop, waitFor } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';
import { RemoteSocket, type WebKind } from './harness/remote.js';

const page = usePage(fileURLToPath(new URL('./pages/web.ts', import.meta.url)));
const track = useInterop();

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const texts = (list: readonly Uint8Array[]): string[] => list.map(text);

/** A web socket of `kind` in this test's page, connected to `url`. */
async function webSocket(
  kind: WebKind,
  url: string,
  options?: Record<string, unknown>,
): Promise<RemoteSocket> {
  const s = await RemoteSocket.open(page(), kind, options);
  await s.connect(url);
  return s;
}

/** Waits until the web socket has `n` open connections (its handshakes completed). */
async function webConnected(s: RemoteSocket, n = 1): Promise<void> {
  const end = Date.now() + 10_000;
  while ((await s.statistics()).currentConnections < n) {
    if (Date.now() > end) throw new Error(`the page's ${s.kind} has fewer than ${n} connections`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ws = (socket: { bind(address: string): { address: string } }): string =>
  bindAny(socket, 'ws').address;

describe.each(['binary', 'text'] as const)('%s frames', (wsMessageType) => {
  test('Pair: both ways, strings as UTF-8', async () => {
    const node = track(new Pair({ wsMessageType }));
    const pair = await webSocket('Pair', ws(node));
    await pair.send('grüße aus dem Browser ✓');
    expect(text(await node.recv({ timeout: 10_000 }))).toBe('grüße aus dem Browser ✓');
    await node.send('и обратно 🎉');
    expect(text(await pair.recv({ timeout: 5000 }))).toBe('и обратно 🎉');
    await pair.send(new Uint8Array(Buffer.from('bytes, not a string')));
    expect(text(await node.recv({ timeout: 5000 }))).toBe('bytes, not a string');
  });

  test('Sub <- Pub: only subscribed prefixes arrive; unsubscribe; a new Sub receives nothing', async () => {
    const node = track(new Pub({ wsMessageType }));
    const url = ws(node);
    const sub = await webSocket('Sub', url);
    await sub.subscribe('a');
    const fresh = await webSocket('Sub', url);
    await connections(node, 2, 10_000);
    await webConnected(sub);
    await webConnected(fresh);
    for (const m of ['b1', 'a1', 'xa', 'a2', '', 'b2', 'aé']) await node.send(m);
    expect(texts(await sub.recvMany(3, { timeout: 5000 }))).toEqual(['a1', 'a2', 'aé']);
    await expect(sub.recv({ timeout: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await expect(fresh.recv({ timeout: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await sub.unsubscribe('a');
    await sub.subscribe('b');
    await node.send('a3');
    await node.send('b3');
    expect(text(await sub.recv({ timeout: 5000 }))).toBe('b3');
    await sub.subscribe();
    await node.send('c1');
    expect(text(await sub.recv({ timeout: 5000 }))).toBe('c1');
  });

  test('Pub -> Sub: the page publishes to the Node.js subscriber', async () => {
    const node = track(new Sub({ wsMessageType, subscribe: ['news'] }));
    const pub = await webSocket('Pub', ws(node));
    await connections(node, 1, 10_000);
    await webConnected(pub);
    for (const m of ['news 1', 'sport', 'news 2 ☀']) await pub.send(m);
    expect(text(await node.recv({ timeout: 5000 }))).toBe('news 1');
    expect(text(await node.recv({ timeout: 5000 }))).toBe('news 2 ☀');
  });

  test('Push -> Pull: the page pushes, in order', async () => {
    const node = track(new Pull({ wsMessageType }));
    const push = await webSocket('Push', ws(node));
    const sent = Array.from({ length: 50 }, (_, i) => `job ${i} ⚙`);
    for (const m of sent) await push.send(m, { timeout: 10_000 });
    const got: string[] = [];
    for (let i = 0; i < sent.length; i++) got.push(text(await node.recv({ timeout: 5000 })));
    expect(got).toEqual(sent);
  });

  test('Pull <- Push: the page pulls, in order', async () => {
    const node = track(new Push({ wsMessageType }));
    const pull = await webSocket('Pull', ws(node));
    const sent = Array.from({ length: 50 }, (_, i) => `work ${i} ⛏`);
    const received = pull.recvMany(sent.length, { timeout: 10_000 });
    for (const m of sent) await node.send(m, { timeout: 10_000 });
    expect(texts(await received)).toEqual(sent);
  });

  test('Bus <-> Bus: the page nodes hear the Node.js node, and it hears them', async () => {
    const node = track(new Bus({ wsMessageType }));
    const url = ws(node);
    const one = await webSocket('Bus', url);
    const two = await webSocket('Bus', url);
    await connections(node, 2, 10_000);
    await webConnected(one);
    await webConnected(two);
    await node.send('to all ✉');
    expect(text(await one.recv({ timeout: 5000 }))).toBe('to all ✉');
    expect(text(await two.recv({ timeout: 5000 }))).toBe('to all ✉');
    await one.send('from one');
    await two.send('from two');
    const heard = [
      text(await node.recv({ timeout: 5000 })),
      text(await node.recv({ timeout: 5000 })),
    ];
    expect(heard.sort()).toEqual(['from one', 'from two']);
    // A libnanomsg BUS does not pass on what one peer sent to the others.
    await expect(two.recv({ timeout: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});

// REQ, REP, SURVEYOR and RESPONDENT messages start with a 32-bit id whose top
// bit is set, which is not UTF-8 (but by chance): a libnanomsg server of these
// protocols must send binary frames to a browser, which refuses a text frame
// that is not UTF-8 (it closes the connection with 1007).
describe('binary frames (SP header first)', () => {
  const wsMessageType = 'binary';

  test('Req -> Rep: 200 requests in flight, each answered with its own reply', async () => {
    const node = track(new Rep({ concurrent: true, wsMessageType }));
    const url = ws(node);
    // Replies come back out of order: each waits 0-20 ms.
    void node.serve(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      return Buffer.concat([Buffer.from('re:'), request]);
    });
    const req = await webSocket('Req', url);
    const requests = Array.from({ length: 200 }, (_, i) => `request ${i} ñ`);
    expect(texts(await req.requestAll(requests, { timeout: 20_000 }))).toEqual(
      requests.map((r) => `re:${r}`),
    );
  });

  test('Rep.serve <- Req: the page answers the Node.js requests', async () => {
    const node = track(new Req({ concurrent: true, wsMessageType }));
    const url = ws(node);
    const rep = await webSocket('Rep', url);
    await rep.serve('page:');
    const requests = Array.from({ length: 20 }, (_, i) => `ask ${i} ü`);
    const replies = await Promise.all(requests.map((r) => node.request(r, { timeout: 10_000 })));
    expect(texts(replies)).toEqual(requests.map((r) => `page:${r}`));
  });

  test('Surveyor -> Respondents: the page surveys two Node.js respondents', async () => {
    const first = track(new Respondent({ wsMessageType }));
    const second = track(new Respondent({ wsMessageType }));
    void first.serve((q) => Buffer.concat([Buffer.from('one:'), q]));
    void second.serve((q) => Buffer.concat([Buffer.from('two:'), q]));
    const surveyor = await webSocket('Surveyor', ws(first));
    await surveyor.connect(ws(second));
    await webConnected(surveyor, 2);
    const answers = texts(await surveyor.survey('lunch? 🍜', 1000));
    expect(answers.sort()).toEqual(['one:lunch? 🍜', 'two:lunch? 🍜']);
  });

  test('Respondent.serve <- Surveyor: the page answers the Node.js survey', async () => {
    const node = track(new Surveyor({ wsMessageType, deadline: 2000 }));
    const respondent = await webSocket('Respondent', ws(node));
    await respondent.serve('page:');
    await connections(node, 1, 10_000);
    await webConnected(respondent);
    const answers: string[] = [];
    for await (const answer of node.survey('ready? ✋')) answers.push(text(answer));
    expect(answers).toEqual(['page:ready? ✋']);
  });
});

test('Req -> a Rep sending text frames: every request settles, answered rightly or failed (ids are seldom UTF-8), none hangs', async () => {
  const node = track(new Rep({ wsMessageType: 'text' }));
  const url = ws(node);
  void node.serve((request) => Buffer.concat([Buffer.from('re:'), request]));
  const req = await webSocket('Req', url);
  const asks = Array.from({ length: 10 }, (_, i) => `q${i}`);
  const outcomes = await page().call<Array<{ ok: boolean; value?: string; code?: string }>>(
    'settleAll',
    req.id,
    asks.map((text) => ({ text })),
    { timeout: 3000 },
  );
  expect(outcomes).toHaveLength(asks.length);
  for (const [i, o] of outcomes.entries()) {
    if (o.ok) expect(Buffer.from(o.value!, 'base64').toString()).toBe(`re:${asks[i]}`);
    else expect(['ETIMEDOUT', 'ECONNRESET']).toContain(o.code);
  }
});

describe('one page socket, two servers', () => {
  test('Req spreads its requests over both Reps', async () => {
    const reps = [track(new Rep({ concurrent: true })), track(new Rep({ concurrent: true }))];
    reps.forEach((rep, n) => void rep.serve((q) => Buffer.concat([Buffer.from(`${n}:`), q])));
    const req = await webSocket('Req', ws(reps[0]!));
    await req.connect(ws(reps[1]!));
    await webConnected(req, 2);
    const asks = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const replies = texts(await req.requestAll(asks, { timeout: 10_000 }));
    expect(replies.map((r) => r.slice(r.indexOf(':') + 1))).toEqual(asks);
    const byServer = replies.map((r) => r.slice(0, r.indexOf(':')));
    expect(byServer.filter((n) => n === '0').length).toBeGreaterThan(0);
    expect(byServer.filter((n) => n === '1').length).toBeGreaterThan(0);
  });

  test('Push spreads its messages over both Pulls, losing none', async () => {
    const pulls = [track(new Pull()), track(new Pull())];
    const push = await webSocket('Push', ws(pulls[0]!));
    await push.connect(ws(pulls[1]!));
    await webConnected(push, 2);
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const m of sent) await push.send(m, { timeout: 5000 });
    const got: string[][] = [[], []];
    await waitFor(() => {
      for (const [n, pull] of pulls.entries()) {
        for (let m = pull.tryRecv(); m !== undefined; m = pull.tryRecv()) got[n]!.push(text(m));
      }
      return got[0]!.length + got[1]!.length >= sent.length;
    }, 'every message');
    expect(got[0]!.length).toBeGreaterThan(0);
    expect(got[1]!.length).toBeGreaterThan(0);
    expect([...got[0]!, ...got[1]!].sort()).toEqual([...sent].sort());
  });

  test('Sub hears both Pubs', async () => {
    const pubs = [track(new Pub()), track(new Pub())];
    const sub = await webSocket('Sub', ws(pubs[0]!));
    await sub.connect(ws(pubs[1]!));
    await sub.subscribe();
    await webConnected(sub, 2);
    await pubs[0]!.send('from 0');
    await pubs[1]!.send('from 1');
    expect(texts(await sub.recvMany(2, { timeout: 5000 })).sort()).toEqual(['from 0', 'from 1']);
  });
});

test('the page survives a message burst: 1000 messages pulled in order', async () => {
  const node = track(new Push());
  const pull = await webSocket('Pull', ws(node), { receiveBufferSize: 1024 * 1024 });
  const received = pull.recvMany(1000, { timeout: 20_000 });
  for (let i = 0; i < 1000; i++) await node.send(`m${i}`, { timeout: 10_000 });
  expect(texts(await received)).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
});
