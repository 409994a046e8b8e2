// Subscription bookkeeping, for the protocols that filter what they receive by
// subscription (NN_SUB in libnanomsg 1.1).
//
// Derived from the symbol table, not declared by a protocol package: the
// guard below must hold for a generic `new Socket(...)` whose protocol
// package was never imported. A protocol filters by subscription when the
// table has the option pair nanomsg names after it, <PROTOCOL>_SUBSCRIBE and
// <PROTOCOL>_UNSUBSCRIBE, and a subscription is a prefix of the message
// bytes, as nanomsg's SUB (and NNG's) match them.
import type { OptionSpec } from './options.js';
import { lib, nnError } from './symbols.js';

interface SubscriptionOptions {
  readonly subscribe: string;
  readonly unsubscribe: string;
  /** The protocol's value: the options' level. */
  readonly level: number;
}

/** Per protocol name: its subscription options, or null when it has none. */
const derived = new Map<string, SubscriptionOptions | null>();

function optionsOf(protocol: string): SubscriptionOptions | null {
  let found = derived.get(protocol);
  if (found !== undefined) return found;
  const table = lib().byName;
  const isStringOption = (name: string): boolean => {
    const info = table.get(name);
    return (
      info !== undefined &&
      info.type === 'string' &&
      (info.namespace === 'NN_NS_SOCKET_OPTION' || info.namespace === 'NN_NS_TRANSPORT_OPTION')
    );
  };
  const subscribe = `${protocol}_SUBSCRIBE`;
  const unsubscribe = `${protocol}_UNSUBSCRIBE`;
  const level = table.get(protocol)?.value;
  found =
    level !== undefined && isStringOption(subscribe) && isStringOption(unsubscribe)
      ? { subscribe, unsubscribe, level }
      : null;
  derived.set(protocol, found);
  return found;
}

/**
 * @internal The subscriptions of one socket, counted per topic as the library
 * counts them: libnanomsg 1.1.5 crashes unsubscribing on a socket that has no
 * subscription, and silently ignores an unknown topic otherwise, so removing
 * a topic that is not there is refused before the library sees it.
 */
export class Subscriptions {
  readonly #options: SubscriptionOptions;
  /** Topic bytes (as latin1, one character per byte) and how often each was added. */
  readonly #topics = new Map<string, number>();

  /** The bookkeeping for a socket of `protocol`, or undefined when it does not filter by subscription. */
  static of(protocol: string): Subscriptions | undefined {
    const options = optionsOf(protocol);
    return options === null ? undefined : new Subscriptions(options);
  }

  private constructor(options: SubscriptionOptions) {
    this.#options = options;
  }

  /**
   * Sets the option `spec` to `value` with `apply` (the library call). For
   * the subscription options, checks and counts the change too. Returns
   * true when a topic went away for good: messages taken ahead that no
   * longer match must then be dropped, as the library would have dropped them.
   */
  change(spec: OptionSpec, value: string | ArrayBufferView, apply: () => void): boolean {
    const { subscribe, unsubscribe, level } = this.#options;
    const name = spec.info.name;
    if (spec.level !== level || (name !== subscribe && name !== unsubscribe)) {
      apply();
      return false;
    }
    const bytes =
      typeof value === 'string'
        ? Buffer.from(value, 'utf8')
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const key = bytes.toString('latin1');
    const count = this.#topics.get(key) ?? 0;
    if (name === unsubscribe && count === 0) {
      throw nnError('EINVAL', 'nn_setsockopt', 'no such subscription');
    }
    apply();
    if (name === subscribe) this.#topics.set(key, count + 1);
    else if (count > 1) this.#topics.set(key, count - 1);
    else {
      this.#topics.delete(key);
      return true;
    }
    return false;
  }

  /** True when `body` starts with one of the topics. */
  matches(body: Buffer): boolean {
    const text = body.toString('latin1');
    for (const topic of this.#topics.keys()) if (text.startsWith(topic)) return true;
    return false;
  }
}
