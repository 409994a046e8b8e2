// SUB: what PUB servers send, kept when it starts with a subscribed prefix.
// libnanomsg's PUB sends everything to a ws peer and its SUB filters on its
// own side; so do we. A prefix subscribed twice needs two unsubscribes.
import { NanomsgError } from './errors.js';
import { toBytes, type Message } from './message.js';
import type { SocketOptions } from './options.js';
import { Receiver } from './receiver.js';

/** `new Sub(options)`. */
export interface SubOptions extends SocketOptions {
  /** Prefixes to subscribe at once (a new `Sub` receives nothing). */
  subscribe?: Message[];
}

interface Subscription {
  readonly prefix: Uint8Array;
  count: number;
}

/** A SUB socket: `connect` to libnanomsg PUB ws addresses, `subscribe`, then `recv` or `for await`. */
export class Sub extends Receiver {
  readonly #subscriptions = new Map<string, Subscription>();

  constructor(options?: SubOptions) {
    super('pub.sp.nanomsg.org', options);
    const initial = options?.subscribe;
    if (initial !== undefined) {
      if (!Array.isArray(initial)) throw new TypeError('subscribe must be an array');
      for (const prefix of initial) this.subscribe(prefix);
    }
  }

  /** Receives the messages that start with `prefix` (a string is its UTF-8); none or `''`: every message. */
  subscribe(prefix: Message = ''): void {
    const bytes = toBytes(prefix, 'prefix');
    this.checkOpen('nn_setsockopt');
    const key = keyOf(bytes);
    const found = this.#subscriptions.get(key);
    if (found !== undefined) found.count++;
    else this.#subscriptions.set(key, { prefix: bytes.slice(), count: 1 });
  }

  /** Undoes one `subscribe(prefix)`; `'EINVAL'` for a prefix that is not subscribed. */
  unsubscribe(prefix: Message = ''): void {
    const bytes = toBytes(prefix, 'prefix');
    this.checkOpen('nn_setsockopt');
    const key = keyOf(bytes);
    const found = this.#subscriptions.get(key);
    if (found === undefined) throw new NanomsgError('EINVAL', 'nn_setsockopt', 'not subscribed');
    if (--found.count === 0) this.#subscriptions.delete(key);
  }

  /** @internal */
  protected override accepts(data: Uint8Array): boolean {
    for (const { prefix } of this.#subscriptions.values()) {
      if (startsWith(data, prefix)) return true;
    }
    return false;
  }
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/** A Map key for the bytes of a prefix. */
function keyOf(bytes: Uint8Array): string {
  let key = '';
  for (const b of bytes) key += String.fromCharCode(b);
  return key;
}
