// The page's sockets against servers that break the WebSocket rules (see
// harness/hostile-server.ts): they never hang, report a clear error where one
// is due, and once a real libnanomsg server takes over the same port they go
// on as if nothing had happened.
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { Pair } from '@nanomsg-ts/pair';
import { Rep } from '@nanomsg-ts/reqrep';
import { sleep, useInterop, waitFor } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';
import { HostileServer, type Misbehaviour } from './harness/hostile-server.js';
import { RemoteSocket, type WebKind } from './harness/remote.js';

const page = usePage(fileURLToPath(new URL('./pages/web.ts', import.meta.url)));
const track = useInterop();

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

let servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function hostile(misbehaviour: Misbehaviour): Promise<HostileServer> {
  const server = await HostileServer.start(misbehaviour);
  servers.push(server);
  return server;
}

/** A page socket of `kind` that dials again quickly, connected to `url`. */
async function dialling(
  kind: WebKind,
  url: string,
  options: Record<string, unknown> = {},
): Promise<RemoteSocket> {
  const s = await RemoteSocket.open(page(), kind, { reconnectInterval: 50, ...options });
  await s.connect(url);
  return s;
}

/** Replaces `server` by a real Node.js `Rep` at the same port, answering `real:` + the request. */
async function realRepInstead(server: HostileServer): Promise<void> {
  await server.close();
  const rep = track(new Rep({ concurrent: true }));
  rep.bind(server.url);
  void rep.serve((request) => Buffer.concat([Buffer.from('real:'), request]));
}

/** The page had no uncaught error. */
function noPageErrors(): void {
  expect(
    page()
      .messages()
      .filter((m) => m.startsWith('page error')),
  ).toEqual([]);
}

test('garbage instead of frames: nothing is delivered, the socket keeps dialling, then talks to a real server', async () => {
  const server = await hostile('garbage');
  const pair = await dialling('Pair', server.url);
  await expect(pair.recv({ timeout: 1000 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  expect(server.attempts.length).toBeGreaterThanOrEqual(2);
  expect((await pair.statistics()).messagesReceived).toBe(0);

  const received = pair.recv({ timeout: 10_000 });
  await server.close();
  const node = track(new Pair());
  node.bind(server.url);
  await node.send('real data', { timeout: 10_000 });
  expect(text(await received)).toBe('real data');
  await pair.send('and back', { timeout: 10_000 });
  expect(text(await node.recv({ timeout: 5000 }))).toBe('and back');
  noPageErrors();
});

test('a server that hangs up in the middle of a frame: the request fails with ECONNRESET, which says the connection went', async () => {
  const server = await hostile('cut');
  const req = await dialling('Req', server.url);
  const error = await req.request('hello', { timeout: 20_000 }).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(error?.code).toBe('ECONNRESET');
  expect(error?.message).toMatch(/connection/);
  // Each loss sent the request again on a new connection: nothing half-read was taken as a reply.
  expect(server.attempts.length).toBeGreaterThanOrEqual(3);
  noPageErrors();
});

test('a server that hangs up in the middle of a frame, then a real one: the next request is answered', async () => {
  const server = await hostile('cut');
  const req = await dialling('Req', server.url);
  await waitFor(() => server.attempts.length >= 1, 'a connection attempt');
  await realRepInstead(server);
  expect(text(await req.request('after the cut', { timeout: 10_000 }))).toBe('real:after the cut');
  noPageErrors();
});

test.each(['wrong subprotocol', 'no subprotocol'] as const)(
  'a handshake answered with %s never opens: requests time out, then a real server answers',
  async (misbehaviour) => {
    const server = await hostile(misbehaviour);
    const req = await dialling('Req', server.url);
    await expect(req.request('refused', { timeout: 1000 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(server.attempts.length).toBeGreaterThanOrEqual(2);
    const stats = await req.statistics();
    expect(stats.establishedConnections).toBe(0);
    expect(stats.messagesSent).toBe(0);

    const pending = req.request('pending', { timeout: 10_000 });
    await realRepInstead(server);
    expect(text(await pending)).toBe('real:pending');
    noPageErrors();
  },
);

test('a server that never answers the handshake: each attempt ends after handshakeTimeout and is made again', async () => {
  const server = await hostile('silent');
  const req = await dialling('Req', server.url, { handshakeTimeout: 200 });
  await expect(req.request('anyone?', { timeout: 1500 })).rejects.toMatchObject({
    code: 'ETIMEDOUT',
  });
  // 1500 ms at 200 ms per attempt plus 50 ms between: several attempts, not one stuck.
  expect(server.attempts.length).toBeGreaterThanOrEqual(3);
  expect((await req.statistics()).establishedConnections).toBe(0);

  const pending = req.request('now?', { timeout: 10_000 });
  await realRepInstead(server);
  expect(text(await pending)).toBe('real:now?');
});

test('each page socket offers exactly one subprotocol: its server peer’s', async () => {
  const server = await hostile('silent');
  const offers: Array<[WebKind, string]> = [
    ['Pair', 'pair.sp.nanomsg.org'],
    ['Req', 'rep.sp.nanomsg.org'],
    ['Rep', 'req.sp.nanomsg.org'],
    ['Sub', 'pub.sp.nanomsg.org'],
    ['Pub', 'sub.sp.nanomsg.org'],
    ['Push', 'pull.sp.nanomsg.org'],
    ['Pull', 'push.sp.nanomsg.org'],
    ['Bus', 'bus.sp.nanomsg.org'],
    ['Surveyor', 'respondent.sp.nanomsg.org'],
    ['Respondent', 'surveyor.sp.nanomsg.org'],
  ];
  for (const [kind] of offers) {
    const before = server.attempts.length;
    const s = await dialling(kind, server.url, { handshakeTimeout: 60_000 });
    await waitFor(() => server.attempts.length > before, `${kind}'s handshake`);
    await s.close();
  }
  expect(server.attempts.map((a) => a.offered)).toEqual(offers.map(([, offered]) => offered));
});

test('closing a socket in the middle of a handshake that never completes leaves nothing dialling', async () => {
  const server = await hostile('silent');
  const req = await dialling('Req', server.url, { handshakeTimeout: 100 });
  await waitFor(() => server.attempts.length >= 2, 'two attempts');
  await req.close();
  // An attempt already on its way when close ran may still arrive; none after that.
  await sleep(200);
  const seen = server.attempts.length;
  await sleep(500);
  expect(server.attempts.length).toBe(seen);
});
