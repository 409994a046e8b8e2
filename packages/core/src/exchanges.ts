// Exchanges that a raw socket runs itself, many at once (a concurrent
// requester's requests, a concurrent surveyor's surveys). Each has an id, made
// as nanomsg's protocols make theirs, which travels in the SP header and comes
// back with every answer; one consumer takes the answers as they arrive and
// routes each to its exchange by that id.
import { randomInt } from 'node:crypto';
import { unwatchAbort, watchAbort } from './abort.js';
import type { Consumer } from './receive-queue.js';
import { nnError } from './symbols.js';
import type { RawMessage } from './types.js';

/**
 * The top bit of a 32-bit SP header field marks the last field, the one that
 * holds the exchange id (the fields before it are the peers' pipe ids, added
 * by devices on the way). The rest of the id counts up from a random start,
 * as libnanomsg's req.c and surveyor.c do, so that a requester that restarts
 * does not reuse the ids of its previous life.
 */
const LAST_FIELD = 2 ** 31;
const EMPTY = Buffer.alloc(0);

/**
 * One exchange of a socket that runs many: the protocol package's class
 * extends it with what its exchange holds (the message to resend, the
 * answers yielded so far) and says what an answer and a failure do.
 */
export abstract class Exchange {
  /** Its id, unique among the open exchanges of its socket (set by `Exchanges.open`). */
  id = 0;
  /** The SP header that carries the id: send the exchange's messages with it. */
  header: Buffer = EMPTY;
  /** @internal The timer of `Exchanges.arm`. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** @internal The signal given to `Exchanges.open`, and its callback. */
  signal: AbortSignal | undefined = undefined;
  /** @internal */
  onAbort: (() => void) | undefined = undefined;

  /** An answer with this exchange's id came; it is still open (`Exchanges.end` closes it). */
  abstract answer(body: Buffer): void;
  /**
   * The exchange has ended without its answer: its timeout passed
   * (`'ETIMEDOUT'`), its signal aborted (the signal's reason), the socket
   * closed (`'EBADF'`) or `terminate()` was called (`'ETERM'`).
   */
  abstract fail(error: unknown): void;
}

/**
 * The open exchanges of one raw socket, in the order they were opened or
 * last `touch`ed. While any is open, the socket's consumer routes each
 * answer by id; answers to an exchange no longer open are dropped, as the
 * library drops late replies on a cooked socket.
 */
export class Exchanges<E extends Exchange> implements Consumer {
  readonly #open = new Map<number, E>();
  #next = randomInt(LAST_FIELD);
  /** Starts (a consumer) and stops (undefined) the socket's delivery of answers. */
  readonly #consume: (consumer: Consumer | undefined) => void;
  /** Throws when the socket can no longer be used (`'EBADF'`, `'ETERM'`). */
  readonly #checkOpen: (syscall: string) => void;

  constructor(
    consume: (consumer: Consumer | undefined) => void,
    checkOpen: (syscall: string) => void,
  ) {
    this.#consume = consume;
    this.#checkOpen = checkOpen;
  }

  /** How many exchanges are open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Opens `exchange`: gives it an id and its header, and ends it with the
   * signal's reason if `signal` aborts first.
   * @throws NanomsgError `'ETERM'` or `'EBADF'` when the socket can no longer be used
   */
  open(exchange: E, signal: AbortSignal | undefined, syscall: string): void {
    this.#checkOpen(syscall);
    let id: number;
    // After 2^31 exchanges the count comes round; skip one still open.
    do {
      id = LAST_FIELD + this.#next;
      this.#next = (this.#next + 1) % LAST_FIELD;
    } while (this.#open.has(id));
    exchange.id = id;
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(id, 0);
    exchange.header = header;
    this.#open.set(id, exchange);
    if (signal !== undefined) {
      exchange.signal = signal;
      exchange.onAbort = () => {
        if (this.end(exchange)) exchange.fail(signal.reason);
      };
      watchAbort(signal, exchange.onAbort);
    }
    if (this.#open.size === 1) this.#consume(this);
  }

  /** Ends `exchange` with `'ETIMEDOUT'` (`syscall`'s) if it is still open in `ms` milliseconds. */
  arm(exchange: E, ms: number, syscall: string): void {
    if (exchange.timer !== undefined) clearTimeout(exchange.timer);
    exchange.timer = setTimeout(() => {
      exchange.timer = undefined;
      if (this.end(exchange)) exchange.fail(nnError('ETIMEDOUT', syscall));
    }, ms);
  }

  /** True while `exchange` is open. */
  has(exchange: E): boolean {
    return this.#open.get(exchange.id) === exchange;
  }

  /** Closes `exchange` (its later answers are dropped); false if it already was. */
  end(exchange: E): boolean {
    if (!this.has(exchange)) return false;
    this.#open.delete(exchange.id);
    this.#disarm(exchange);
    if (this.#open.size === 0) this.#consume(undefined);
    return true;
  }

  /** Moves `exchange` to the end of the order (it was sent again). */
  touch(exchange: E): void {
    if (!this.has(exchange)) return;
    this.#open.delete(exchange.id);
    this.#open.set(exchange.id, exchange);
  }

  /** The open exchanges, in order: opened, or last touched, first. */
  values(): IterableIterator<E> {
    return this.#open.values();
  }

  #disarm(exchange: E): void {
    if (exchange.timer !== undefined) {
      clearTimeout(exchange.timer);
      exchange.timer = undefined;
    }
    if (exchange.onAbort !== undefined) {
      unwatchAbort(exchange.signal!, exchange.onAbort);
      exchange.onAbort = exchange.signal = undefined;
    }
  }

  // ---- the socket's consumer (see SocketBase.consume) -----------------------

  /** The socket's consumer (see `SocketBase.consume`): answers are routed as they come, however many. */
  room(): number {
    return Infinity;
  }

  /** Routes an answer to its exchange; one without an open exchange is dropped. */
  take(message: RawMessage): void {
    const { header } = message;
    // A raw requester's header is the id alone (the library strips the rest).
    if (header.length !== 4) return;
    const exchange = this.#open.get(header.readUInt32BE(0));
    if (exchange !== undefined) exchange.answer(message.body);
  }

  /** The socket closed or terminated: every open exchange fails with `error`. */
  stop(error: unknown): void {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const exchange of all) {
      this.#disarm(exchange);
      exchange.fail(error);
    }
  }
}
