// The page's sockets dial again by themselves: the Node.js server closes and
// binds again at the same address, and the page goes on where it was.
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { Pub } from '@nanomsg-ts/pubsub';
import { Rep } from '@nanomsg-ts/reqrep';
import { bindAny, connections, sleep, useInterop } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';
import { RemoteSocket } from './harness/remote.js';

const page = usePage(fileURLToPath(new URL('./pages/web.ts', import.meta.url)));
const track = useInterop();

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Binds `socket` at `address` again, while the old listener's port is being released. */
async function bindAgain(
  socket: { bind(address: string): unknown },
  address: string,
): Promise<void> {
  const end = Date.now() + 5000;
  for (;;) {
    try {
      socket.bind(address);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || Date.now() > end) throw error;
      await sleep(50);
    }
  }
}

/** A Rep at `address` (a fresh one when not given) answering `name:` + the request. */
async function server(name: string, address?: string): Promise<{ rep: Rep; address: string }> {
  const rep = track(new Rep({ concurrent: true }));
  if (address === undefined) address = bindAny(rep, 'ws').address;
  else await bindAgain(rep, address);
  void rep.serve((request) => Buffer.concat([Buffer.from(`${name}:`), request]));
  return { rep, address };
}

test('Req: a request pending while the server restarts is answered by the new one', async () => {
  const first = await server('first');
  const req = await RemoteSocket.open(page(), 'Req', { reconnectInterval: 50 });
  await req.connect(first.address);
  expect(text(await req.request('before', { timeout: 10_000 }))).toBe('first:before');

  await first.rep.close();
  // Asked while nothing listens: it waits, then goes to the new server.
  const pending = req.request('during', { timeout: 20_000 });
  await sleep(500);
  await server('second', first.address);
  expect(text(await pending)).toBe('second:during');
  expect(text(await req.request('after', { timeout: 10_000 }))).toBe('second:after');
  const stats = await req.statistics();
  expect(stats.establishedConnections).toBe(2);
  expect(stats.brokenConnections).toBe(1);
  expect(stats.currentConnections).toBe(1);
});

test('Req: twenty requests in flight when the server goes are all answered after it returns', async () => {
  const first = await server('first');
  const req = await RemoteSocket.open(page(), 'Req', { reconnectInterval: 50 });
  await req.connect(first.address);
  expect(text(await req.request('hello', { timeout: 10_000 }))).toBe('first:hello');
  await first.rep.close();
  const asks = Array.from({ length: 20 }, (_, i) => `q${i}`);
  const pending = req.requestAll(asks, { timeout: 20_000 });
  await sleep(300);
  await server('second', first.address);
  expect((await pending).map(text)).toEqual(asks.map((q) => `second:${q}`));
});

test('Sub: after the publisher restarts, the subscriber receives again', async () => {
  const pub = track(new Pub());
  const address = bindAny(pub, 'ws').address;
  const sub = await RemoteSocket.open(page(), 'Sub', { reconnectInterval: 50 });
  await sub.subscribe('');
  await sub.connect(address);
  await connections(pub, 1, 10_000);
  await pub.send('one');
  expect(text(await sub.recv({ timeout: 5000 }))).toBe('one');

  await pub.close();
  const again = track(new Pub());
  await bindAgain(again, address);
  await connections(again, 1, 10_000);
  await again.send('two');
  expect(text(await sub.recv({ timeout: 5000 }))).toBe('two');
});

test('a socket closed while it waits to reconnect stops dialling, and its pending request fails with EBADF', async () => {
  const first = await server('first');
  const req = await RemoteSocket.open(page(), 'Req', { reconnectInterval: 50 });
  await req.connect(first.address);
  expect(text(await req.request('x', { timeout: 10_000 }))).toBe('first:x');
  await first.rep.close();
  const pending = expect(req.request('never', { timeout: 20_000 })).rejects.toMatchObject({
    code: 'EBADF',
  });
  await sleep(300);
  await req.close();
  await pending;
  // A server that comes back now sees no one dial it.
  const second = await server('second', first.address);
  await sleep(500);
  expect(second.rep.statistics().currentConnections).toBe(0);
});
