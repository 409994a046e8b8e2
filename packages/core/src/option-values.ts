// Reading and writing the options of one socket, with the few values the
// send and receive paths read on every operation kept at hand.
import type { NativeSocket } from './native.js';
import { decodeOption, encodeOption, optionSpec, type OptionSpec } from './options.js';
import type { Subscriptions } from './subscriptions.js';
import { lib, symbol } from './symbols.js';

let specs: { snd: OptionSpec; rcv: OptionSpec; ws: OptionSpec | undefined } | undefined;
/** The specs of the options whose values are kept (ws only where the library has it). */
function keptSpecs(): NonNullable<typeof specs> {
  return (specs ??= {
    snd: optionSpec('NN_SNDTIMEO', 'nn_getsockopt'),
    rcv: optionSpec('NN_RCVTIMEO', 'nn_getsockopt'),
    ws:
      lib().features.websocket === true ? optionSpec('NN_WS_MSG_TYPE', 'nn_getsockopt') : undefined,
  });
}

/**
 * @internal The options of one socket: `get` and `set` by spec, values
 * checked by the codec (options.ts) before the C call; subscriptions counted
 * where the protocol has them. `sendTimeout`, `receiveTimeout` and whether ws
 * frames are text are read once and kept until any option is set.
 */
export class OptionValues {
  readonly #native: NativeSocket;
  readonly #subscriptions: Subscriptions | undefined;
  /** Called when a subscription went away for good (see `Subscriptions.change`). */
  readonly #unsubscribed: () => void;
  #sndTimeout: number | undefined;
  #rcvTimeout: number | undefined;
  #wsText: boolean | undefined;

  constructor(
    native: NativeSocket,
    subscriptions: Subscriptions | undefined,
    unsubscribed: () => void,
  ) {
    this.#native = native;
    this.#subscriptions = subscriptions;
    this.#unsubscribed = unsubscribed;
  }

  get(spec: OptionSpec): number | boolean | string {
    const { info, level } = spec;
    const raw =
      info.type === 'string'
        ? this.#native.getStringOption(level, info.value)
        : this.#native.getIntOption(level, info.value);
    return decodeOption(spec, raw);
  }

  set(spec: OptionSpec, value: unknown): void {
    this.#rcvTimeout = this.#sndTimeout = this.#wsText = undefined;
    const encoded = encodeOption(spec, value);
    const { info, level } = spec;
    if (typeof encoded === 'number') {
      this.#native.setIntOption(level, info.value, encoded);
      return;
    }
    const apply = (): void => this.#native.setBytesOption(level, info.value, encoded);
    if (this.#subscriptions === undefined) apply();
    else if (this.#subscriptions.change(spec, encoded, apply)) this.#unsubscribed();
  }

  /** `NN_SNDTIMEO`: the default timeout of a send. */
  sendTimeout(): number {
    return (this.#sndTimeout ??= this.get(keptSpecs().snd) as number);
  }

  /** `NN_RCVTIMEO`: the default timeout of a receive. */
  receiveTimeout(): number {
    return (this.#rcvTimeout ??= this.get(keptSpecs().rcv) as number);
  }

  /** True when ws frames go out as text (`NN_WS_MSG_TYPE`), so messages must be UTF-8. */
  wsText(): boolean {
    if (this.#wsText === undefined) {
      const ws = keptSpecs().ws;
      this.#wsText = ws !== undefined && this.get(ws) === symbol('NN_WS_MSG_TYPE_TEXT');
    }
    return this.#wsText;
  }
}
