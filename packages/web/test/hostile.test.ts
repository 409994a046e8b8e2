// Hostile or broken servers, made by hand on node:http (no libnanomsg): the
// web socket gets a clear error or reconnects cleanly, and never hangs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import {
  acceptWebSocket,
  closeWithConnections,
  rejection,
  useTracked,
  waitFor,
} from '@nanomsg-ts/testkit';
import { afterEach, describe, expect, test } from 'vitest';
import { Pull, Req } from '../src/index.js';
import { text } from './peers.js';

const track = useTracked();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An http server on which the test does the upgrades itself, closed after the test. */
function server(): Server {
  const s = createServer();
  closers.push(closeWithConnections(s));
  return s;
}

/** A server that completes each WebSocket handshake (answering `protocol`) and hands the socket to `then`. */
async function handBuilt(
  protocol: string | undefined,
  then: (socket: NetSocket, n: number) => void,
): Promise<string> {
  const http = server();
  let n = 0;
  http.on('upgrade', (request, socket: NetSocket) => {
    acceptWebSocket(request, socket, protocol);
    socket.on('error', () => {});
    then(socket, ++n);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** One unmasked binary frame (server to client) holding `payload`. */
function binaryFrame(payload: Uint8Array): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x82, payload.length])
      : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

/** The payload of the first masked client frame in `data` (up to 125 bytes). */
function clientPayload(data: Buffer): Buffer {
  const length = data[1]! & 0x7f;
  const mask = data.subarray(2, 6);
  return Buffer.from(data.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]!));
}

describe('a hostile server', () => {
  test('answering another subprotocol: never taken as open, the request times out', async () => {
    const url = await handBuilt('pair.sp.nanomsg.org', () => {});
    const req = track(new Req({ reconnectInterval: 20 }));
    req.connect(url);
    expect((await rejection(req.request('x', { timeout: 300 }))).code).toBe('ETIMEDOUT');
    expect(req.statistics().establishedConnections).toBe(0);
  });

  test('never answering the handshake: the attempt ends after handshakeTimeout and is made again', async () => {
    const silent = server();
    let attempts = 0;
    silent.on('upgrade', () => attempts++);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const req = track(new Req({ handshakeTimeout: 100, reconnectInterval: 10 }));
    req.connect(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    await waitFor(() => attempts >= 3, 'three attempts', 3000);
  });

  test('garbage instead of frames: the connection is dropped, and the request fails with ECONNRESET', async () => {
    const url = await handBuilt('rep.sp.nanomsg.org', (socket) =>
      socket.once('data', () => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13]))),
    );
    const req = track(new Req({ reconnectInterval: 10 }));
    req.connect(url);
    const error = await rejection(req.request('x', { timeout: 5000 }));
    expect(error.code).toBe('ECONNRESET');
  });

  test('closing mid-message: the next connection gets the request again, and its reply', async () => {
    const url = await handBuilt('rep.sp.nanomsg.org', (socket, n) =>
      socket.on('data', (data) => {
        const request = clientPayload(data);
        if (n === 1) {
          // A frame announcing 200 bytes, 10 of them sent, then the end.
          socket.write(Buffer.from([0x82, 126, 0, 200, ...request.subarray(0, 8), 1, 2]));
          socket.destroy();
        } else {
          socket.write(binaryFrame(Buffer.concat([request.subarray(0, 4), Buffer.from('whole')])));
        }
      }),
    );
    const req = track(new Req({ reconnectInterval: 10 }));
    req.connect(url);
    expect(text(await req.request('x', { timeout: 5000 }))).toBe('whole');
  });

  test('replies with a short header, another id, or no top bit: dropped, the right one still taken', async () => {
    const url = await handBuilt('rep.sp.nanomsg.org', (socket) =>
      socket.on('data', (data) => {
        const id = clientPayload(data).subarray(0, 4);
        socket.write(binaryFrame(Buffer.from([0x80, 0])));
        socket.write(binaryFrame(Buffer.from([id[0]!, id[1]!, id[2]!, id[3]! ^ 1, 0x41])));
        socket.write(binaryFrame(Buffer.from([id[0]! & 0x7f, id[1]!, id[2]!, id[3]!, 0x42])));
        socket.write(binaryFrame(Buffer.concat([id, Buffer.from('right')])));
      }),
    );
    const req = track(new Req());
    req.connect(url);
    expect(text(await req.request('x', { timeout: 5000 }))).toBe('right');
  });

  test('a message above receiveMaxSize: the connection is dropped and made again', async () => {
    const url = await handBuilt('push.sp.nanomsg.org', (socket, n) => {
      socket.write(binaryFrame(n === 1 ? new Uint8Array(300) : Buffer.from('fits')));
    });
    const pull = track(new Pull({ receiveMaxSize: 200, reconnectInterval: 10 }));
    pull.connect(url);
    expect(text(await pull.recv({ timeout: 5000 }))).toBe('fits');
    expect(pull.statistics().establishedConnections).toBe(2);
  });
});
