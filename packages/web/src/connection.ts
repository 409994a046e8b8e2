// One WebSocket to one libnanomsg ws endpoint, dialled again after it fails
// or closes, with nanomsg's reconnect back-off.
//
// libnanomsg 1.1.5 accepts a connection only when the client offers exactly
// one subprotocol, the *server's* socket type (`rep.sp.nanomsg.org` for a
// REQ client); offered the wrong one, it leaves the handshake unanswered, so
// the connection has a handshake timeout of its own. One SP message is one
// WebSocket message, SP header first.
import type { Options } from './options.js';

/** What a connection tells its socket. */
export interface ConnectionEvents {
  /** The handshake completed: messages can go both ways. */
  opened(connection: Connection): void;
  /** One message (binary frames as bytes; a text frame's UTF-8 bytes). */
  message(connection: Connection, data: Uint8Array): void;
  /** An open connection was lost; it is dialled again unless closed. */
  lost(connection: Connection): void;
}

/** What a connection reads of its socket's options (options.ts). */
export type DialOptions = Pick<
  Options,
  'reconnectInterval' | 'reconnectIntervalMax' | 'handshakeTimeout' | 'receiveMaxSize'
>;

const encoder = /* @__PURE__ */ new TextEncoder();
/** How long after an error event without a close event the attempt counts as failed. */
const NO_CLOSE_MS = 100;

/** One endpoint of a socket: a WebSocket, and the next one when it goes. */
export class Connection {
  readonly url: string;
  readonly #subprotocol: string;
  readonly #options: DialOptions;
  readonly #events: ConnectionEvents;
  #ws: WebSocket | undefined;
  #open = false;
  #closed = false;
  #failures = 0;
  #lastClose: string | undefined;
  readonly #attemptTimers: ReturnType<typeof setTimeout>[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, subprotocol: string, options: DialOptions, events: ConnectionEvents) {
    this.url = url;
    this.#subprotocol = subprotocol;
    this.#options = options;
    this.#events = events;
    this.#dial();
  }

  /** Why the last WebSocket closed, when it said (for error messages). */
  get lastClose(): string | undefined {
    return this.#lastClose;
  }

  /** True between the handshake and the loss of the connection. */
  get open(): boolean {
    return this.#open;
  }

  /** Bytes given to `send` that the WebSocket has not sent yet. */
  get buffered(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /** Sends one message; false when the connection is not open. */
  send(frame: Uint8Array): boolean {
    if (!this.#open || this.#ws === undefined) return false;
    this.#ws.send(frame);
    return true;
  }

  /** Closes the connection for good. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#clearAttemptTimers();
    const ws = this.#ws;
    this.#ws = undefined;
    this.#open = false;
    ws?.close();
  }

  #dial(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, this.#subprotocol);
    } catch {
      this.#retry();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    const handshake = this.#later(() => this.#fail(ws), this.#options.handshakeTimeout);
    ws.onopen = () => {
      clearTimeout(handshake);
      // A server that answers another subprotocol does not speak ours.
      if (ws.protocol !== this.#subprotocol) {
        this.#fail(ws);
        return;
      }
      this.#failures = 0;
      this.#open = true;
      this.#events.opened(this);
    };
    ws.onmessage = (event: MessageEvent) => {
      const raw = event.data as ArrayBuffer | string;
      const data = typeof raw === 'string' ? encoder.encode(raw) : new Uint8Array(raw);
      const max = this.#options.receiveMaxSize;
      // As libnanomsg: a message above the limit ends the connection (then a new one).
      if (max >= 0 && data.byteLength > max) {
        this.#lastClose = `a message of ${data.byteLength} bytes, above receiveMaxSize (${max})`;
        this.#fail(ws);
      } else this.#events.message(this, data);
    };
    // A close event follows an error, with its code; some WebSocket
    // implementations (Node.js 20's) send none after a refused connection.
    let noClose: ReturnType<typeof setTimeout> | undefined;
    ws.onerror = () => {
      noClose ??= this.#later(() => {
        this.#lastClose = 'the connection failed (an error event, and no close event)';
        this.#fail(ws);
      }, NO_CLOSE_MS);
    };
    ws.onclose = (event: CloseEvent) => {
      clearTimeout(handshake);
      clearTimeout(noClose);
      this.#lastClose = describeClose(event.code, event.reason);
      this.#fail(ws);
    };
  }

  /** A timer of the current attempt (cleared when it fails or the connection closes). */
  #later(run: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(run, ms);
    this.#attemptTimers.push(timer);
    return timer;
  }

  #clearAttemptTimers(): void {
    for (const timer of this.#attemptTimers.splice(0)) clearTimeout(timer);
  }

  /** `ws` failed or closed: tell the socket if it was open, and dial again later. */
  #fail(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#clearAttemptTimers();
    this.#ws = undefined;
    const wasOpen = this.#open;
    this.#open = false;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    ws.close();
    if (wasOpen) this.#events.lost(this);
    this.#retry();
  }

  #retry(): void {
    if (this.#closed) return;
    const { reconnectInterval, reconnectIntervalMax } = this.#options;
    let wait = reconnectInterval;
    if (reconnectIntervalMax > 0) {
      wait = Math.min(reconnectIntervalMax, reconnectInterval * 2 ** Math.min(this.#failures, 30));
    }
    this.#failures++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed) this.#dial();
    }, wait);
  }
}

/** What a WebSocket close code means here, in words. */
function describeClose(code: number, reason: string): string {
  const said = reason === '' ? '' : ` (${reason})`;
  if (code === 1006 || code === 1007) {
    // What a client sees when it failed the connection itself, e.g. on a text
    // frame that is not UTF-8: every REP, RESPONDENT, REQ or SURVEYOR message
    // starts with a binary SP header.
    return `closed with code ${code}${said}: dropped by the server, or a frame the client refused (a server with wsMessageType 'text' whose messages carry an SP header?)`;
  }
  return `closed with code ${code}${said}`;
}
