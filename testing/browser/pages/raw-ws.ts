// A page that speaks libnanomsg's ws mapping by hand over the browser's own
// WebSocket, without @nanomsg-ts/web: the harness's smoke test, and a check
// of the wire facts the web package relies on.
import { expose, fromBase64, note, toBase64 } from './expose.js';

/** Opens a WebSocket offering `subprotocol`; resolves once open, rejects on failure or after `within` ms. */
function open(url: string, subprotocol: string, within: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, subprotocol);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no handshake with ${url} (${subprotocol}) within ${within} ms`));
    }, within);
    ws.onopen = () => {
      clearTimeout(timer);
      note(`open ${url}, protocol "${ws.protocol}"`);
      resolve(ws);
    };
    ws.onclose = (event) => {
      clearTimeout(timer);
      reject(new Error(`${url} (${subprotocol}) closed before opening: code ${event.code}`));
    };
  });
}

/** Collects the next `count` messages of `ws` as bytes (text frames as their UTF-8). */
function messages(ws: WebSocket, count: number, within: number): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const got: Uint8Array[] = [];
    const timer = setTimeout(
      () => reject(new Error(`${got.length} of ${count} messages within ${within} ms`)),
      within,
    );
    ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      const data = event.data;
      got.push(typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data));
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    };
    ws.onclose = (event) => {
      clearTimeout(timer);
      reject(new Error(`closed after ${got.length} of ${count} messages: code ${event.code}`));
    };
  });
}

expose({
  /**
   * A REQ by hand: sends `id` (4 bytes, big-endian) and `body`, resolves
   * with the subprotocol the server chose, the frame type and the reply.
   */
  async request(url: string, subprotocol: string, id: number, body: string, within: number) {
    const ws = await open(url, subprotocol, within);
    try {
      const payload = fromBase64(body);
      const frame = new Uint8Array(4 + payload.length);
      new DataView(frame.buffer).setUint32(0, id >>> 0);
      frame.set(payload, 4);
      let text = false;
      const reply = messages(ws, 1, within);
      const previous = ws.onmessage;
      ws.onmessage = (event: MessageEvent) => {
        text = typeof event.data === 'string';
        previous?.call(ws, event);
      };
      ws.send(frame);
      const [message] = await reply;
      return { protocol: ws.protocol, text, reply: toBase64(message!) };
    } finally {
      ws.onclose = null;
      ws.close();
    }
  },

  /** A SUB by hand: connects and resolves with the next `count` messages. */
  async receive(url: string, subprotocol: string, count: number, within: number) {
    const ws = await open(url, subprotocol, within);
    try {
      return { protocol: ws.protocol, messages: (await messages(ws, count, within)).map(toBase64) };
    } finally {
      ws.onclose = null;
      ws.close();
    }
  },
});
