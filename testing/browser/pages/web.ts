// A page that drives @nanomsg-ts/web for the tests: sockets are made and
// used by number (`open` returns it), messages cross as `Wire` values, and
// every received message goes back as base64. A request handler (Rep,
// Respondent) answers `prefix` + the request, after `delay` ms.
import * as web from '@nanomsg-ts/web';
import { expose, fromBase64, toBase64 } from './expose.js';

/** A message from a test: bytes (base64) or a string, which the socket sends as UTF-8. */
type Wire = { b64: string } | { text: string };

type Kind =
  'Pair' | 'Req' | 'Rep' | 'Sub' | 'Pub' | 'Push' | 'Pull' | 'Bus' | 'Surveyor' | 'Respondent';

/** What the tests may pass as `{ timeout }` (a signal cannot cross; `abortAfter` makes one here). */
interface Wait {
  timeout?: number;
  abortAfter?: number;
}

// JSON turns an argument left out (undefined) into null: `== null` below
// takes both for "not given".

// Every socket class with every method the tests call, loosely: the page
// checks nothing itself, the sockets do (a missing method is a TypeError).
interface AnySocket {
  connect(url: string): void;
  close(): Promise<void>;
  statistics(): web.Statistics;
  send?(message: web.Message, options?: web.WaitOptions): Promise<void>;
  recv?(options?: web.WaitOptions): Promise<Uint8Array>;
  request?(message: web.Message, options?: web.WaitOptions): Promise<Uint8Array>;
  subscribe?(prefix?: web.Message): void;
  unsubscribe?(prefix?: web.Message): void;
  survey?(message: web.Message, options?: web.SurveyOptions): AsyncIterable<Uint8Array>;
  serve?(handler: web.Handler, options?: web.ServeOptions): Promise<void>;
}

const classes: Record<Kind, new (options?: never) => AnySocket> = {
  Pair: web.Pair,
  Req: web.Req,
  Rep: web.Rep,
  Sub: web.Sub,
  Pub: web.Pub,
  Push: web.Push,
  Pull: web.Pull,
  Bus: web.Bus,
  Surveyor: web.Surveyor,
  Respondent: web.Respondent,
};

const sockets = new Map<number, AnySocket>();
const serving = new Map<number, Promise<void>>();
let serial = 0;

function socket(id: number): AnySocket {
  const s = sockets.get(id);
  if (s === undefined) throw new Error(`no socket ${id} in the page`);
  return s;
}

function method<K extends keyof AnySocket>(id: number, name: K): NonNullable<AnySocket[K]> {
  const s = socket(id);
  const fn = s[name];
  if (typeof fn !== 'function') throw new TypeError(`socket ${id} has no method ${name}`);
  return (fn as (...args: unknown[]) => unknown).bind(s) as NonNullable<AnySocket[K]>;
}

function message(wire: Wire): web.Message {
  return 'text' in wire ? wire.text : fromBase64(wire.b64);
}

function waitOptions(wait: Wait | null | undefined): web.WaitOptions | undefined {
  if (wait == null) return undefined;
  const options: web.WaitOptions = {};
  if (wait.timeout != null) options.timeout = wait.timeout;
  if (wait.abortAfter != null) options.signal = AbortSignal.timeout(wait.abortAfter);
  return options;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

expose({
  /** Makes a socket of `kind` with `options`; its number. */
  open(kind: Kind, options?: Record<string, unknown> | null): number {
    const make = classes[kind];
    if (make === undefined) throw new TypeError(`no socket class ${kind}`);
    const id = ++serial;
    sockets.set(id, new make((options ?? undefined) as never));
    return id;
  },

  connect(id: number, url: string): void {
    socket(id).connect(url);
  },

  async send(id: number, wire: Wire, wait?: Wait | null): Promise<void> {
    await method(id, 'send')(message(wire), waitOptions(wait));
  },

  async recv(id: number, wait?: Wait | null): Promise<string> {
    return toBase64(await method(id, 'recv')(waitOptions(wait)));
  },

  /** `count` messages in a row. */
  async recvMany(id: number, count: number, wait?: Wait | null): Promise<string[]> {
    const recv = method(id, 'recv');
    const got: string[] = [];
    for (let i = 0; i < count; i++) got.push(toBase64(await recv(waitOptions(wait))));
    return got;
  },

  async request(id: number, wire: Wire, wait?: Wait | null): Promise<string> {
    return toBase64(await method(id, 'request')(message(wire), waitOptions(wait)));
  },

  /** Every request at once (all in flight together); the replies in the same order. */
  async requestAll(id: number, wires: Wire[], wait?: Wait | null): Promise<string[]> {
    const request = method(id, 'request');
    const replies = await Promise.all(wires.map((w) => request(message(w), waitOptions(wait))));
    return replies.map(toBase64);
  },

  /** Every request at once, each outcome on its own: `{ ok, value }` or `{ ok: false, code }`. */
  async settleAll(id: number, wires: Wire[], wait?: Wait | null) {
    const request = method(id, 'request');
    const settled = await Promise.allSettled(
      wires.map((w) => request(message(w), waitOptions(wait))),
    );
    return settled.map((s) =>
      s.status === 'fulfilled'
        ? { ok: true, value: toBase64(s.value) }
        : { ok: false, code: (s.reason as { code?: string }).code ?? String(s.reason) },
    );
  },

  subscribe(id: number, prefix?: Wire | null): void {
    method(id, 'subscribe')(prefix == null ? undefined : message(prefix));
  },

  unsubscribe(id: number, prefix?: Wire | null): void {
    method(id, 'unsubscribe')(prefix == null ? undefined : message(prefix));
  },

  /** Runs one survey to its end; every answer. */
  async survey(id: number, wire: Wire, deadline?: number | null): Promise<string[]> {
    const answers: string[] = [];
    const options = deadline == null ? undefined : { deadline };
    for await (const answer of method(id, 'survey')(message(wire), options)) {
      answers.push(toBase64(answer));
    }
    return answers;
  },

  /** Starts serving: each request is answered with `prefix` + the request after `delay` ms. */
  serve(id: number, prefix: string, delay = 0, concurrency?: number | null): void {
    const head = new TextEncoder().encode(prefix);
    const handler = async (request: Uint8Array): Promise<Uint8Array> => {
      if (delay > 0) await sleep(delay);
      const reply = new Uint8Array(head.byteLength + request.byteLength);
      reply.set(head);
      reply.set(request, head.byteLength);
      return reply;
    };
    const options = concurrency == null ? {} : { concurrency };
    serving.set(id, method(id, 'serve')(handler, options));
  },

  /** Waits until `serve` of socket `id` has ended (it ends when the socket closes). */
  async served(id: number): Promise<void> {
    await serving.get(id);
  },

  statistics(id: number): web.Statistics {
    return socket(id).statistics();
  },

  async close(id: number): Promise<void> {
    await socket(id).close();
  },
});
