// A @nanomsg-ts/web socket living in the page (../pages/web.ts), handled from
// the test as if it were local: bytes in and out as Buffers, errors with their
// nanomsg `code` (PageError).
import { Buffer } from 'node:buffer';
import type { Statistics } from '@nanomsg-ts/web';
import type { TestPage } from './page.js';

/** The socket classes of @nanomsg-ts/web. */
export type WebKind =
  'Pair' | 'Req' | 'Rep' | 'Sub' | 'Pub' | 'Push' | 'Pull' | 'Bus' | 'Surveyor' | 'Respondent';

/** A message: bytes, or a string that the web socket sends as UTF-8. */
export type Message = string | Uint8Array;

/** `{ timeout }` as in the web API; `abortAfter`: an AbortSignal that aborts after so many ms. */
export interface Wait {
  timeout?: number;
  abortAfter?: number;
}

export type { Statistics };

function wire(message: Message): { b64: string } | { text: string } {
  return typeof message === 'string'
    ? { text: message }
    : {
        b64: Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('base64'),
      };
}

const bytes = (b64: string): Buffer => Buffer.from(b64, 'base64');

/** One web socket in `page`. */
export class RemoteSocket {
  readonly page: TestPage;
  readonly id: number;
  readonly kind: WebKind;

  private constructor(page: TestPage, id: number, kind: WebKind) {
    this.page = page;
    this.id = id;
    this.kind = kind;
  }

  /** `new web[kind](options)` in the page. */
  static async open(
    page: TestPage,
    kind: WebKind,
    options?: Record<string, unknown>,
  ): Promise<RemoteSocket> {
    return new RemoteSocket(page, await page.call<number>('open', kind, options), kind);
  }

  connect(url: string): Promise<void> {
    return this.page.call('connect', this.id, url);
  }

  send(message: Message, wait?: Wait): Promise<void> {
    return this.page.call('send', this.id, wire(message), wait);
  }

  async recv(wait?: Wait): Promise<Buffer> {
    return bytes(await this.page.call<string>('recv', this.id, wait));
  }

  /** `count` messages received in a row in the page. */
  async recvMany(count: number, wait?: Wait): Promise<Buffer[]> {
    return (await this.page.call<string[]>('recvMany', this.id, count, wait)).map(bytes);
  }

  async request(message: Message, wait?: Wait): Promise<Buffer> {
    return bytes(await this.page.call<string>('request', this.id, wire(message), wait));
  }

  /** All `messages` requested at once in the page; the replies in order. */
  async requestAll(messages: readonly Message[], wait?: Wait): Promise<Buffer[]> {
    return (await this.page.call<string[]>('requestAll', this.id, messages.map(wire), wait)).map(
      bytes,
    );
  }

  subscribe(prefix?: Message): Promise<void> {
    return this.page.call('subscribe', this.id, prefix === undefined ? undefined : wire(prefix));
  }

  unsubscribe(prefix?: Message): Promise<void> {
    return this.page.call('unsubscribe', this.id, prefix === undefined ? undefined : wire(prefix));
  }

  /** One survey to its deadline; every answer. */
  async survey(message: Message, deadline?: number): Promise<Buffer[]> {
    return (await this.page.call<string[]>('survey', this.id, wire(message), deadline)).map(bytes);
  }

  /** Starts `serve` in the page: each request answered with `prefix` + request, after `delay` ms. */
  serve(prefix: string, delay = 0, concurrency?: number): Promise<void> {
    return this.page.call('serve', this.id, prefix, delay, concurrency);
  }

  /** Resolves when the page's `serve` has ended. */
  served(): Promise<void> {
    return this.page.call('served', this.id);
  }

  statistics(): Promise<Statistics> {
    return this.page.call<Statistics>('statistics', this.id);
  }

  close(): Promise<void> {
    return this.page.call('close', this.id);
  }
}
