// @nanomsg-ts/web in Chromium against the C library's own tool, nanocat
// (Debian's nanomsg-utils), bound at ws://127.0.0.1: no Node.js socket between.
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { bindPeer, nanocatAt, useInterop } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';
import { RemoteSocket, type WebKind } from './harness/remote.js';

const page = usePage(fileURLToPath(new URL('./pages/web.ts', import.meta.url)));
useInterop(); // ends the nanocat processes after each test

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** nanocat `args` bound at a fresh ws address, and a page socket of `kind` connected to it. */
async function withNanocat(kind: WebKind, protocol: string, ...args: string[]) {
  const { peer, address } = await bindPeer('ws', nanocatAt(protocol, ...args));
  const web = await RemoteSocket.open(page(), kind);
  await web.connect(address);
  return { peer, web };
}

test('Req -> nanocat --rep', async () => {
  const { web } = await withNanocat('Req', '--rep', '--data', 'pong');
  expect(text(await web.request('ping', { timeout: 10_000 }))).toBe('pong');
  expect(text(await web.request('ping again', { timeout: 10_000 }))).toBe('pong');
});

test('Sub <- nanocat --pub: the subscription filters', async () => {
  const { web } = await withNanocat('Sub', '--pub', '--data', 'tick', '--interval', '0.05');
  await web.subscribe('tock');
  await expect(web.recv({ timeout: 400 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  await web.subscribe('ti');
  expect(text(await web.recv({ timeout: 5000 }))).toBe('tick');
});

test('Push -> nanocat --pull', async () => {
  const { peer, web } = await withNanocat('Push', '--pull', '--ascii');
  await web.send('from the browser', { timeout: 10_000 });
  expect(await peer.waitForLines(1)).toEqual(['from the browser']);
});

test('Pair <-> nanocat --pair', async () => {
  const { peer, web } = await withNanocat(
    'Pair',
    '--pair',
    '--data',
    'hi',
    '--interval',
    '0.1',
    '--ascii',
  );
  expect(text(await web.recv({ timeout: 10_000 }))).toBe('hi');
  await web.send('hello nanocat', { timeout: 10_000 });
  await peer.waitForLine((line) => line === 'hello nanocat');
});

test('Respondent.serve <- nanocat --surveyor', async () => {
  const { peer, web } = await withNanocat(
    'Respondent',
    '--surveyor',
    '--data',
    'who?',
    '--interval',
    '0.2',
    '--ascii',
  );
  await web.serve('me: ');
  await peer.waitForLine((line) => line === 'me: who?', 10_000);
});

test('Bus <-> nanocat --bus', async () => {
  const { peer, web } = await withNanocat(
    'Bus',
    '--bus',
    '--data',
    'bus stop',
    '--interval',
    '0.1',
    '--ascii',
  );
  expect(text(await web.recv({ timeout: 10_000 }))).toBe('bus stop');
  await web.send('all aboard', { timeout: 10_000 });
  await peer.waitForLine((line) => line === 'all aboard');
});
