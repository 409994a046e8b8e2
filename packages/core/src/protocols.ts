// What core needs to know of a protocol, declared by the protocol's package,
// as nanomsg's own protocols register their socket types (src/core/sock.c):
// core compares no protocol name.
import { checkBoolean, checkObject, checkString } from './args.js';
import type { NativeSocket } from './native.js';
import { setOptionRange, type OptionRange } from './options.js';
import { symbol } from './symbols.js';

/**
 * What a protocol's cooked sockets need of core. Declared by the protocol's
 * package with `registerProtocol`; raw sockets keep no protocol state, so
 * this applies to cooked sockets only.
 */
export interface ProtocolBehaviour {
  /**
   * `'ahead'`: the binding may take a batch of messages from the library
   * before callers ask for them (the fast path). `'one-exchange'`: the
   * socket handles one exchange at a time, as a cooked REP or RESPONDENT
   * does (the library keeps the return path of the last request received
   * only): it takes one message at a time, only when a caller asks, and a
   * receive while another caller waits for a request, or is being handed
   * one (its promise settled, its code not yet run), fails with `'EFSM'`.
   */
  readonly receive: 'ahead' | 'one-exchange';
  /**
   * True when a send starts a new exchange whose answers replace those of
   * the previous one, as on a cooked REQ or SURVEYOR: answers to the previous
   * exchange that the binding took ahead are dropped, as the library drops them.
   */
  readonly sendStartsExchange?: boolean;
  /**
   * The ranges of the protocol's integer options where the binding is
   * stricter than the library (a value outside is a RangeError naming the
   * range and `why`), by option name, such as `{ min: 1, why: '...' }`.
   */
  readonly optionRanges?: Readonly<Record<string, OptionRange>>;
}

/** @internal What a socket does, from its protocol's declaration and whether it is raw. */
export interface Traits {
  /** Messages may be taken from the library before callers ask. */
  readonly receiveAhead: boolean;
  /** One exchange at a time: a second concurrent receive fails with EFSM. */
  readonly oneExchange: boolean;
  /** A send drops the answers taken ahead. */
  readonly sendStartsExchange: boolean;
}

const registered = new Map<string, Traits>();

/** Raw sockets carry the protocol state in each message's header: taking ahead is safe. */
const RAW: Traits = { receiveAhead: true, oneExchange: false, sendStartsExchange: false };
/**
 * A protocol nobody declared: core assumes nothing. It never takes a message
 * before a caller asks (safe whatever the protocol keeps per request, as a
 * REP does), and refuses nothing (it cannot know a protocol forbids
 * concurrent receives).
 */
const UNKNOWN: Traits = { receiveAhead: false, oneExchange: false, sendStartsExchange: false };
/**
 * A protocol nobody declared whose sockets cannot send, as the library says
 * (see `traitsOf`): with no send there is no exchange whose state a message
 * taken early could spoil, so taking ahead is safe.
 */
const RECEIVE_ONLY: Traits = { receiveAhead: true, oneExchange: false, sendStartsExchange: false };

/**
 * Declares what core needs to know of the cooked sockets of `protocol` (a
 * nanomsg protocol name such as the one a protocol package's class opens).
 * For protocol packages, at import. Sockets opened afterwards follow it,
 * those of `Socket` too; the last declaration of a name wins. A protocol
 * never declared is served safely but slower where it can send: messages
 * are taken from the library one at a time, when a caller asks.
 */
export function registerProtocol(protocol: string, behaviour: ProtocolBehaviour): void {
  checkString(protocol, 'protocol');
  checkObject(behaviour, 'behaviour');
  const { receive, sendStartsExchange = false } = behaviour;
  if (receive !== 'ahead' && receive !== 'one-exchange') {
    throw new TypeError('behaviour.receive must be "ahead" or "one-exchange"');
  }
  checkBoolean(sendStartsExchange, 'behaviour.sendStartsExchange');
  const optionRanges = behaviour.optionRanges ?? {};
  checkObject(optionRanges, 'behaviour.optionRanges');
  for (const [name, range] of Object.entries(optionRanges)) {
    checkObject(range, `behaviour.optionRanges.${name}`);
    const { min, max = min } = range;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
      throw new TypeError(`behaviour.optionRanges.${name} must have integers min <= max`);
    }
    setOptionRange(name, range);
  }
  registered.set(protocol, {
    receiveAhead: receive === 'ahead',
    oneExchange: receive === 'one-exchange',
    sendStartsExchange,
  });
}

/**
 * @internal What a socket of `protocol` does. For a protocol nobody
 * declared, `native` (the socket) is asked whether it can send at all:
 * libnanomsg refuses `NN_SNDFD` with ENOPROTOOPT on a socket type that cannot
 * send (its NN_SOCKTYPE_FLAG_NOSEND), such as PULL and SUB.
 */
export function traitsOf(protocol: string, raw: boolean, native: NativeSocket): Traits {
  if (raw) return RAW;
  const declared = registered.get(protocol);
  if (declared !== undefined) return declared;
  try {
    native.getIntOption(symbol('NN_SOL_SOCKET'), symbol('NN_SNDFD'));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOPROTOOPT') return RECEIVE_ONLY;
    throw error;
  }
  return UNKNOWN;
}
