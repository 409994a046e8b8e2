// A hand-made WebSocket client for the proxy tests: a TLS (or plain TCP)
// connection that writes whatever bytes a test gives, reads the HTTP answer,
// then sends and reads WebSocket frames (RFC 6455: a client masks its frames,
// a server does not). It sets any header (Origin included) and trusts the
// test's certificate, which a browser-like client would not let it do.
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** The HTTP answer to a request, as read off the wire. */
export interface Answer {
  /** The status code; 0 when the connection ended before a complete head. */
  status: number;
  /** The status line and headers as received. */
  head: string;
  /** Header names in lower case, each with its (first) value. */
  headers: Record<string, string>;
  /** The body, when the head gave its Content-Length (empty otherwise). */
  body: Buffer;
}

/** What `handshake` writes; the defaults are those of a WebSocket handshake to `/`. */
export interface HandshakeOptions {
  path?: string;
  method?: string;
  /** The Origin header (none by default, or when null). */
  origin?: string | null;
  /** The Sec-WebSocket-Protocol header (none by default, or when null). */
  protocol?: string | null;
  /** The Sec-WebSocket-Key header (16 random bytes in base64 by default). */
  key?: string;
  /** More header fields, or (null) fields to leave out. */
  headers?: Record<string, string | null>;
}

/** A handshake request as a browser sends it (an HTTP/1.1 GET with Upgrade: websocket). */
export function handshake(options: HandshakeOptions = {}): Buffer {
  const fields: Record<string, string | null> = {
    Host: 'localhost',
    Origin: options.origin === undefined ? null : options.origin,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': options.key ?? randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': options.protocol === undefined ? null : options.protocol,
    ...options.headers,
  };
  const lines = Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.from(
    `${options.method ?? 'GET'} ${options.path ?? '/'} HTTP/1.1\r\n${lines.join('')}\r\n`,
    'latin1',
  );
}

/** One connection: bytes in, the HTTP answer and WebSocket frames out. */
export class Connection {
  readonly socket: Socket;
  #data = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on('error', () => {});
  }

  /** True once the peer (or we) closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when `ready()` holds, the connection closes, or `ms` pass (then false). */
  async #until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (this.#closed || Date.now() >= deadline) return ready();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return true;
  }

  /** Writes `bytes`, then reads the HTTP answer (waiting up to `ms`). */
  async request(bytes: Buffer, ms = 5000): Promise<Answer> {
    this.socket.write(bytes);
    return this.answer(ms, bytes.subarray(0, 5).toString('latin1') === 'HEAD ');
  }

  /**
   * Reads an HTTP answer (waiting up to `ms`): its head, and the body its
   * Content-Length announces unless it answers a HEAD.
   */
  async answer(ms = 5000, toHead = false): Promise<Answer> {
    await this.#until(() => this.#data.includes('\r\n\r\n'), ms);
    const end = this.#data.indexOf('\r\n\r\n');
    if (end < 0) {
      return { status: 0, head: this.#data.toString('latin1'), headers: {}, body: Buffer.alloc(0) };
    }
    const text = this.#data.subarray(0, end).toString('latin1');
    this.#data = this.#data.subarray(end + 4);
    const [statusLine = '', ...lines] = text.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      if (colon > 0 && !(name in headers)) headers[name] = line.slice(colon + 1).trim();
    }
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const length = status === 101 || toHead ? 0 : Number(headers['content-length'] ?? 0);
    await this.#until(() => this.#data.length >= length, ms);
    const body = this.#data.subarray(0, length);
    this.#data = this.#data.subarray(length);
    return { status, head: text, headers, body };
  }

  /** Sends one binary WebSocket message in one frame, masked as a client must. */
  sendFrame(payload: Uint8Array): void {
    const mask = randomBytes(4);
    let header: Buffer;
    if (payload.length < 126) {
      header = Buffer.from([0x82, 0x80 | payload.length]);
    } else if (payload.length < 65536) {
      header = Buffer.from([0x82, 0x80 | 126, 0, 0]);
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x82;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /**
   * Reads one frame from the server (waiting up to `ms`): its opcode and
   * payload; undefined when none came whole.
   */
  async readFrame(ms = 5000): Promise<{ opcode: number; payload: Buffer } | undefined> {
    const parse = () => {
      const d = this.#data;
      if (d.length < 2) return undefined;
      let length = d[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (d.length < 4) return undefined;
        length = d.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (d.length < 10) return undefined;
        length = Number(d.readBigUInt64BE(2));
        offset = 10;
      }
      if (d[1]! & 0x80) offset += 4; // a server must not mask: this shows as a wrong payload
      if (d.length < offset + length) return undefined;
      return {
        opcode: d[0]! & 0x0f,
        payload: d.subarray(offset, offset + length),
        end: offset + length,
      };
    };
    await this.#until(() => parse() !== undefined, ms);
    const frame = parse();
    if (frame === undefined) return undefined;
    this.#data = this.#data.subarray(frame.end);
    return { opcode: frame.opcode, payload: Buffer.from(frame.payload) };
  }

  /** Waits up to `ms` for the connection to close; true if it did. */
  async waitClosed(ms: number): Promise<boolean> {
    await this.#until(() => this.#closed, ms);
    return this.#closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A TLS connection to 127.0.0.1:`port` that trusts `ca` (PEM), once its handshake is done. */
export function openTls(port: number, ca: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca });
    const connection = new Connection(socket);
    socket.once('secureConnect', () => resolve(connection));
    socket.once('error', reject);
  });
}

/** A plain TCP connection to 127.0.0.1:`port`, once connected. */
export function openTcp(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1');
    const connection = new Connection(socket);
    socket.once('connect', () => resolve(connection));
    socket.once('error', reject);
  });
}

let nextId = Math.floor(Math.random() * 0x10000);

/** A REQ request as one WebSocket message: a request id (top bit set), then the body. */
export function reqMessage(body: string): { id: number; message: Buffer } {
  const id = (nextId++ | 0x80000000) >>> 0;
  const message = Buffer.alloc(4 + Buffer.byteLength(body));
  message.writeUInt32BE(id, 0);
  message.write(body, 4);
  return { id, message };
}
