// The server side of a WebSocket handshake done by hand (RFC 6455 section
// 4.2.2), for tests whose servers misbehave after it, or in it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Answers `request` (an http server's 'upgrade') with 101 on `socket`, naming
 * `subprotocol` (none when undefined), whatever the client offered.
 */
export function acceptWebSocket(
  request: IncomingMessage,
  socket: Socket,
  subprotocol: string | undefined,
): void {
  const key = String(request.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...(subprotocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${subprotocol}`]),
      '',
      '',
    ].join('\r\n'),
  );
}

/**
 * Makes every connection of `server` (an http server that upgrades by hand)
 * end when the returned `close` runs, and resolves once the port is free.
 * `Server.close` alone can wait forever: an http server keeps an upgraded
 * socket half open after its client hangs up (its `allowHalfOpen`), and
 * `closeAllConnections` does not reach upgraded sockets. Here every socket
 * the server accepted, upgraded or not, is destroyed.
 */
export function closeWithConnections(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () => {
    const closed = server.listening
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    return closed;
  };
}
