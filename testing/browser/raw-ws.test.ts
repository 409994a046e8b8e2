// The harness's smoke test, and the wire facts of libnanomsg 1.1.5's ws
// transport that @nanomsg-ts/web builds on, seen from a real Chromium: a page
// that speaks the mapping by hand over the browser's own WebSocket, against
// our Node.js sockets and nanocat.
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { Rep } from '@nanomsg-ts/reqrep';
import { bindAny, bindPeer, nanocatAt, pattern, useInterop } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';

const page = usePage(fileURLToPath(new URL('./pages/raw-ws.ts', import.meta.url)));
const track = useInterop();

interface Reply {
  protocol: string;
  text: boolean;
  reply: string;
}

const ID = 0x80000007;
const idBytes = Buffer.from([0x80, 0x00, 0x00, 0x07]);

function serveWithPrefix(rep: Rep): void {
  void rep.serve((request) => Buffer.concat([Buffer.from('re:'), request]));
}

test('a request by hand to a Node.js Rep: the server is named by its own subprotocol, the reply echoes the id', async () => {
  const rep = track(new Rep());
  const url = bindAny(rep, 'ws').address;
  serveWithPrefix(rep);
  const body = pattern(1000);
  const got = await page().call<Reply>(
    'request',
    url,
    'rep.sp.nanomsg.org',
    ID,
    body.toString('base64'),
    5000,
  );
  expect(got.protocol).toBe('rep.sp.nanomsg.org');
  expect(got.text).toBe(false);
  expect(
    Buffer.from(got.reply, 'base64').equals(Buffer.concat([idBytes, Buffer.from('re:'), body])),
  ).toBe(true);
});

test('a Rep with wsMessageType "text" answers in a text frame', async () => {
  const rep = track(new Rep({ wsMessageType: 'text' }));
  const url = bindAny(rep, 'ws').address;
  serveWithPrefix(rep);
  // A text frame is UTF-8 as a whole, the request id included, and a REP
  // reads header words until one has its top bit set: "éé" (C3 A9 C3 A9)
  // is both.
  const got = await page().call<Reply>(
    'request',
    url,
    'rep.sp.nanomsg.org',
    0xc3a9c3a9,
    Buffer.from('héllo').toString('base64'),
    5000,
  );
  expect(got.text).toBe(true);
  expect(Buffer.from(got.reply, 'base64').toString('utf8')).toBe('éére:héllo');
});

test('offered the client socket type instead of the server one, libnanomsg never completes the handshake', async () => {
  const rep = track(new Rep());
  const url = bindAny(rep, 'ws').address;
  serveWithPrefix(rep);
  await expect(page().call('request', url, 'req.sp.nanomsg.org', ID, '', 1500)).rejects.toThrow(
    /no handshake|closed before opening/,
  );
});

test('a request by hand to nanocat --rep', async () => {
  const { address } = await bindPeer('ws', nanocatAt('--rep', '--data', 'pong'));
  const got = await page().call<Reply>(
    'request',
    address,
    'rep.sp.nanomsg.org',
    ID,
    Buffer.from('ping').toString('base64'),
    5000,
  );
  expect(got.protocol).toBe('rep.sp.nanomsg.org');
  expect(
    Buffer.from(got.reply, 'base64').equals(Buffer.concat([idBytes, Buffer.from('pong')])),
  ).toBe(true);
});

test('a subscriber by hand receives what nanocat --pub publishes', async () => {
  const { address } = await bindPeer(
    'ws',
    nanocatAt('--pub', '--data', 'tick', '--interval', '0.05'),
  );
  const got = await page().call<{ protocol: string; messages: string[] }>(
    'receive',
    address,
    'pub.sp.nanomsg.org',
    3,
    5000,
  );
  expect(got.protocol).toBe('pub.sp.nanomsg.org');
  expect(got.messages.map((m) => Buffer.from(m, 'base64').toString())).toEqual([
    'tick',
    'tick',
    'tick',
  ]);
});

test('the harness: a screenshot of the page, which shows its log, lands in test-results/browser', async () => {
  const file = await page().screenshot('raw-ws smoke');
  expect(file).toMatch(/test-results\/browser\/raw-ws_smoke\.png$/);
  const png = await readFile(file);
  expect(
    png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  ).toBe(true);
  expect(await page().page.textContent('#log')).toMatch(/ready: request, receive/);
});
