// Taking messages from the library: small bodies are copied by the addon into
// a pool shared by all sockets of this thread and handed out as views of it,
// the way Buffer.allocUnsafe hands out views of its own pool: no allocation
// per message. A message you keep holds its pool alive (16 KiB at most).
import { markAsUntransferable } from 'node:worker_threads';
import type { NativeSocket } from './native.js';
import type { RawMessage } from './types.js';

const POOL_SIZE = 16 * 1024;
/**
 * A fresh pool when less is left than the largest pooled message takes: 2 KiB
 * and its lengths (a body's, and a header's for a raw socket).
 */
const POOL_MIN_FREE = 2048 + 8;
let pool: Buffer | undefined;
let poolAt = 0;

/** @internal Where the messages taken after the first one go, in order. */
export interface Rest<T> {
  push(item: T): unknown;
}

/** The pool to take into, a fresh one when less is left than a message may take. */
function currentPool(): Buffer {
  if (pool === undefined || pool.length - poolAt < POOL_MIN_FREE) {
    pool = Buffer.allocUnsafeSlow(POOL_SIZE);
    // As Node.js does for its own Buffer pool: transferring one message's
    // `buffer` (postMessage, structuredClone) would detach the pool and
    // empty every other message in it. Node.js copies it instead.
    markAsUntransferable(pool.buffer);
    poolAt = 0;
  }
  return pool;
}

/**
 * @internal Takes up to `max` messages that a cooked socket has ready now:
 * returns the first, pushes the others onto `rest`, or returns undefined when
 * none is ready. `retry`: look past messages the protocol dropped (a SUB's
 * filter) while NN_RCVFD still signals; a caller that watches NN_RCVFD next
 * passes false, as the watcher then fires at once.
 */
export function takeBodies(
  native: NativeSocket,
  max: number,
  retry: boolean,
  rest: Rest<Buffer>,
): Buffer | undefined {
  const into = currentPool();
  const from = poolAt;
  return split(native.recvInto(into, from, max, retry), into, from, rest, cut);
}

/**
 * What `recvInto` or `recvMsgInto` returned, as the first message (the others
 * onto `rest`): nothing, the end of what went into the pool (`cut` cuts it),
 * a message alone, or both.
 */
function split<T>(
  got: number | T | [end: number, alone: T] | undefined,
  into: Buffer,
  from: number,
  rest: Rest<T>,
  cut: (into: Buffer, from: number, end: number, rest: Rest<T>) => T,
): T | undefined {
  if (got === undefined) return undefined;
  if (typeof got === 'number') return cut(into, from, got, rest);
  if (!Array.isArray(got)) return got; // one message too big for the pool
  const first = cut(into, from, got[0], rest);
  rest.push(got[1]);
  return first;
}

/**
 * The messages the addon wrote into `into` from `from` to `end`, each as a
 * 32-bit little-endian length then its bytes: the first returned, the others
 * pushed onto `rest`. The pool is used up to `end`.
 */
function cut(into: Buffer, from: number, end: number, rest: Rest<Buffer>): Buffer {
  poolAt = end;
  const length = into.readUInt32LE(from);
  const first = into.subarray(from + 4, from + 4 + length);
  for (let at = from + 4 + length; at < end;) {
    const n = into.readUInt32LE(at);
    rest.push(into.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return first;
}

/**
 * @internal Takes up to `max` messages with their SP headers that a raw
 * socket has ready now: the first returned, the others pushed onto `rest`.
 * Small ones come through the pool, as bodies do (see `takeBodies`).
 */
export function takeRaw(
  native: NativeSocket,
  max: number,
  rest: Rest<RawMessage>,
): RawMessage | undefined {
  const into = currentPool();
  const from = poolAt;
  return split(native.recvMsgInto(into, from, max), into, from, rest, cutRaw);
}

/**
 * The messages the addon wrote into `into` from `from` to `end`, each as its
 * body's length and its header's length (32-bit little-endian), the header,
 * then the body: the first returned, the others pushed onto `rest`.
 */
function cutRaw(into: Buffer, from: number, end: number, rest: Rest<RawMessage>): RawMessage {
  poolAt = end;
  let first: RawMessage | undefined;
  for (let at = from; at < end;) {
    const bodyLength = into.readUInt32LE(at);
    const headerStart = at + 8;
    const bodyStart = headerStart + into.readUInt32LE(at + 4);
    const message = {
      body: into.subarray(bodyStart, bodyStart + bodyLength),
      header: into.subarray(headerStart, bodyStart),
    };
    if (first === undefined) first = message;
    else rest.push(message);
    at = bodyStart + bodyLength;
  }
  return first!;
}
