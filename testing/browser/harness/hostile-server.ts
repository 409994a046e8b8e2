// A WebSocket server that misbehaves on purpose: a plain node:http server that
// does the upgrade by hand (RFC 6455 section 4.2.2) and then breaks the rules
// in one chosen way. It records what each client offered, so tests can also
// check which subprotocol a page socket asks for.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { acceptWebSocket, closeWithConnections } from '@nanomsg-ts/testkit';

/** How the server misbehaves. */
export type Misbehaviour =
  /** Completes the handshake, then sends bytes that are no WebSocket frame. */
  | 'garbage'
  /** Completes the handshake; when the client's first frame arrives, sends half a frame and hangs up. */
  | 'cut'
  /** Answers the handshake with another subprotocol than the one offered (`pair.sp.nanomsg.org`, or `bus...` to a PAIR). */
  | 'wrong subprotocol'
  /** Answers the handshake without a subprotocol. */
  | 'no subprotocol'
  /** Reads the upgrade request and never answers (as libnanomsg does to a name it does not know). */
  | 'silent';

/** One upgrade request the server saw. */
export interface Attempt {
  /** The `Sec-WebSocket-Protocol` header as sent (undefined when none). */
  offered: string | undefined;
}

export class HostileServer {
  readonly misbehaviour: Misbehaviour;
  /** Every upgrade request so far, in order. */
  readonly attempts: Attempt[] = [];
  readonly #close: () => Promise<void>;
  #port = 0;

  private constructor(misbehaviour: Misbehaviour, server: Server) {
    this.misbehaviour = misbehaviour;
    this.#close = closeWithConnections(server);
  }

  /** Starts a server on 127.0.0.1 at a port the system picks. */
  static async start(misbehaviour: Misbehaviour): Promise<HostileServer> {
    const server = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' });
      response.end('WebSocket only');
    });
    const hostile = new HostileServer(misbehaviour, server);
    server.on('upgrade', (request: IncomingMessage, socket: Socket) =>
      hostile.#upgrade(request, socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    hostile.#port = (server.address() as AddressInfo).port;
    return hostile;
  }

  /** The port it listens on (or listened on, once closed). */
  get port(): number {
    return this.#port;
  }

  /** `ws://127.0.0.1:PORT`, where a page socket connects. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Stops listening and drops every connection; the port is free again when it resolves. */
  close(): Promise<void> {
    return this.#close();
  }

  #upgrade(request: IncomingMessage, socket: Socket): void {
    socket.on('error', () => {}); // the client may go first
    const offered = request.headers['sec-websocket-protocol'];
    this.attempts.push({ offered });
    if (this.misbehaviour === 'silent') return;

    let answered: string | undefined = offered;
    if (this.misbehaviour === 'wrong subprotocol') {
      answered = offered === 'pair.sp.nanomsg.org' ? 'bus.sp.nanomsg.org' : 'pair.sp.nanomsg.org';
    } else if (this.misbehaviour === 'no subprotocol') {
      answered = undefined;
    }
    acceptWebSocket(request, socket, answered);

    if (this.misbehaviour === 'garbage') {
      // FIN with all three reserved bits and a reserved opcode (0xF), then noise.
      socket.write(Buffer.from([0xff, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00]));
    } else if (this.misbehaviour === 'cut') {
      socket.once('data', () => {
        // A binary frame announcing 1000 bytes, 10 of them sent, then the end.
        socket.end(Buffer.concat([Buffer.from([0x82, 0x7e, 0x03, 0xe8]), Buffer.alloc(10, 0x41)]));
      });
    }
  }
}
