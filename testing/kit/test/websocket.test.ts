// The test kit's hand-made WebSocket servers close even when a client is in
// the middle of its upgrade, or has hung up on an upgraded socket: an http
// server keeps an upgraded socket half open, so its own close() would wait.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { acceptWebSocket, closeWithConnections, settledWithin, sleep } from '@nanomsg-ts/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const upgrade = [
  'GET / HTTP/1.1',
  'Host: 127.0.0.1',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version: 13',
  '',
  '',
].join('\r\n');

// Both ends of every connection, destroyed after each test whatever it left.
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

async function listening(): Promise<{ server: Server; upgraded: Promise<void> }> {
  const server = createServer();
  const upgraded = new Promise<void>((resolve) =>
    server.on('upgrade', (request, socket: Socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      acceptWebSocket(request, socket, undefined);
      resolve();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, upgraded };
}

async function client(server: Server, sent: string): Promise<Socket> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.on('data', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(sent);
  return socket;
}

describe('closeWithConnections', () => {
  it('closes once the client that hung up on an upgraded socket is gone (Server.close alone does not)', async () => {
    for (const mine of [true, false]) {
      const { server, upgraded } = await listening();
      const close = mine ? closeWithConnections(server) : undefined;
      const socket = await client(server, upgrade);
      await upgraded;
      socket.end(); // the client hangs up; the server's side stays open unless ended
      await sleep(100);
      const closing = close ? close() : new Promise<void>((r) => server.close(() => r()));
      // Only the server's own close is given a deadline, so it is left waiting.
      const outcome = await settledWithin(closing, 1000);
      if (mine) expect(outcome).toEqual({ value: undefined });
      else expect(outcome).toBe('pending');
    }
  });

  it('closes while a client is half way through its upgrade request', async () => {
    const { server } = await listening();
    const close = closeWithConnections(server);
    const socket = await client(server, upgrade.slice(0, 40));
    await sleep(50);
    expect(await settledWithin(close(), 2000)).toEqual({ value: undefined });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    expect(await settledWithin(ended, 2000)).not.toBe('pending');
  });
});
