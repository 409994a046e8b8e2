import {
  registerProtocol,
  ReceivingSocket,
  SendingSocket,
  type SocketOptions,
} from '@nanomsg-ts/core';

export { NanomsgError } from '@nanomsg-ts/core';
export type {
  Endpoint,
  Message,
  OperationOptions,
  RawMessage,
  RawMessageInit,
  SocketOptionProperties,
  SocketOptions,
} from '@nanomsg-ts/core';

// What core needs to know of NN_PUB and NN_SUB (see registerProtocol):
// messages may be taken from the library ahead of the caller. (The
// subscription bookkeeping core derives from the symbol table.)
registerProtocol('NN_PUB', { receive: 'ahead' });
registerProtocol('NN_SUB', { receive: 'ahead' });

/**
 * A subscription, the value of `NN_SUB_SUBSCRIBE`: messages whose first bytes
 * equal it are delivered. Strings are UTF-8; `''` matches everything.
 */
export type Topic = string | ArrayBufferView;

/** Options of the `Sub` constructor. */
export interface SubOptions extends SocketOptions {
  /** Topics to subscribe to at once (`NN_SUB_SUBSCRIBE` for each). A `Sub` without them receives nothing. */
  subscribe?: Topic[];
}

/**
 * A PUB socket (`NN_PUB`): sends every message to all connected `Sub`
 * sockets whose subscriptions match it. It cannot receive. A subscriber that
 * cannot keep up loses messages (the library drops them), so `send` never
 * waits for subscribers.
 *
 * @example
 * ```ts
 * import { Pub } from '@nanomsg-ts/pubsub';
 * const pub = new Pub();
 * pub.bind('tcp://127.0.0.1:5556');
 * await pub.send('weather.paris 21C');
 * ```
 */
export class Pub extends SendingSocket {
  /** Opens a PUB socket (`nn_socket(AF_SP, NN_PUB)`; `raw: true` for `AF_SP_RAW`). */
  constructor(options?: SocketOptions) {
    super('NN_PUB', options);
  }
}

function checkTopic(topic: unknown): Topic {
  if (topic === undefined) return '';
  if (typeof topic === 'string' || ArrayBuffer.isView(topic)) return topic;
  throw new TypeError('a topic must be a string or an ArrayBufferView');
}

/**
 * A SUB socket (`NN_SUB`): receives the messages of the connected `Pub`
 * sockets that match one of its subscriptions (prefix match on the bytes). A
 * new `Sub` is subscribed to nothing; `subscribe()` with no argument
 * subscribes to everything. It cannot send.
 *
 * @example
 * ```ts
 * import { Sub } from '@nanomsg-ts/pubsub';
 * const sub = new Sub({ subscribe: ['weather.'] });
 * sub.connect('tcp://127.0.0.1:5556');
 * for await (const msg of sub) console.log(String(msg));
 * ```
 */
export class Sub extends ReceivingSocket {
  /** Opens a SUB socket (`nn_socket(AF_SP, NN_SUB)`) and subscribes to `options.subscribe`. */
  constructor({ subscribe, ...options }: SubOptions = {}) {
    if (subscribe !== undefined && !Array.isArray(subscribe)) {
      throw new TypeError('options.subscribe must be an array of topics');
    }
    const topics = (subscribe ?? []).map(checkTopic);
    super('NN_SUB', options);
    try {
      for (const topic of topics) this.subscribe(topic);
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /**
   * Receives the messages starting with `topic` (`NN_SUB_SUBSCRIBE` at level
   * `NN_SUB`). No argument, or `''`, subscribes to every message.
   */
  subscribe(topic?: Topic): void {
    this.setOption('NN_SUB_SUBSCRIBE', checkTopic(topic));
  }

  /**
   * Removes a subscription made with the same `topic` (`NN_SUB_UNSUBSCRIBE`);
   * no argument removes the subscription to everything (`''`).
   * @throws NanomsgError `'EINVAL'` when there is no such subscription.
   */
  unsubscribe(topic?: Topic): void {
    this.setOption('NN_SUB_UNSUBSCRIBE', checkTopic(topic));
  }
}
