// The server side of a WebSocket handshake done by hand (RFC 6455 section
// 4.2.2), for tests whose servers misbehave after it, or in it.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
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
