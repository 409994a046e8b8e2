// The readiness watch of one socket: which of the addon's descriptor watchers
// (NN_RCVFD, NN_SNDFD) run, for the socket's waiting operations and for the
// `poll` calls waiting on it.
import type { NativeSocket } from './native.js';
import { lib } from './symbols.js';

/** @internal The addon's readiness bits (its `events` export). */
export interface ReadyBits {
  /** NN_RCVFD is readable: a message waits. */
  readonly readable: number;
  /** NN_SNDFD is readable: a send can go. */
  readonly writable: number;
  /** Given once to `onReady` when `terminate()` was called; the watchers are stopped. */
  readonly terminated: number;
}

let bits: ReadyBits | undefined;

/** @internal The addon's readiness bits, read once. */
export function readyBits(): ReadyBits {
  return (bits ??= lib().native.events);
}

/** @internal Someone (`poll`) waiting for readiness of a socket. */
export interface Poller {
  /** `readable` and/or `writable`. */
  readonly events: number;
  /** Called when one of `events` may have become ready, or the socket closed or terminated. */
  wake(): void;
}

/**
 * @internal Starts and stops the native watchers of one socket to match who
 * waits. When the last waiter of a kind goes, its watcher is kept running
 * (without keeping the process alive), since most callers wait again soon (a
 * receive loop, a sender held back by a full pipe): stopping and restarting
 * it costs two epoll_ctl calls per wait. A kept watcher stops for good when
 * it fires with nobody waiting.
 */
export class Watch {
  readonly #native: NativeSocket;
  readonly #both: number;
  /** The bits watched for someone. */
  #watching = 0;
  /** Watchers running for nobody, kept for the next wait. */
  #kept = 0;
  readonly #pollers = new Set<Poller>();

  constructor(native: NativeSocket) {
    this.#native = native;
    const { readable, writable } = readyBits();
    this.#both = readable | writable;
  }

  /** Of the bits that fired, those nobody watches: kept watchers to stop (`update`'s `stop`). */
  unwanted(events: number): number {
    return events & ~this.#watching & this.#both;
  }

  /**
   * Watches `want` (the socket's own waiters) and what the pollers want;
   * kept watchers whose bit is in `stop` stop for good.
   */
  update(want: number, stop = 0): void {
    for (const poller of this.#pollers) want |= poller.events;
    if (want === this.#watching && (stop & this.#kept) === 0) return;
    const running = this.#watching | this.#kept;
    const keep = this.#both & ~stop;
    this.#native.watch(want, keep);
    this.#watching = want;
    this.#kept = running & ~want & keep;
  }

  /**
   * The ready bits among `events` now, without waiting: what `poll` reports.
   * Messages the socket already took from the library count (`holding`);
   * callers already waiting get the message or the room first.
   */
  readiness(events: number, noReceiver: boolean, holding: boolean, noSender: boolean): number {
    const { readable, writable } = readyBits();
    const want = events & this.#both;
    if (want === 0) return 0;
    const ready = this.#native.poll(want);
    let out = 0;
    if (want & readable && noReceiver && (holding || ready & readable)) out |= readable;
    if (want & writable && noSender && ready & writable) out |= writable;
    return out;
  }

  /** The native side stopped every watcher (close, terminate). */
  stopped(): void {
    this.#watching = 0;
  }

  addPoller(poller: Poller): void {
    this.#pollers.add(poller);
  }

  /** False when `poller` was not there. */
  removePoller(poller: Poller): boolean {
    return this.#pollers.delete(poller);
  }

  /** Wakes the pollers waiting for any of `events`. */
  wake(events: number): void {
    if (this.#pollers.size === 0) return;
    for (const poller of [...this.#pollers]) {
      if (poller.events & events && this.#pollers.has(poller)) poller.wake();
    }
  }

  /** Wakes every poller for good: the socket closed or terminated. */
  wakeAll(): void {
    this.wake(this.#both);
    this.#pollers.clear();
  }
}
