// Taking messages from the library (src/receive-pool.ts): small bodies as
// views of one shared pool (each written by the addon as a 32-bit length
// then its bytes), larger ones alone, raw messages with their headers.
import { describe, expect, it } from 'vitest';
import type { NativeSocket } from '../../src/native.js';
import { takeBodies, takeRaw } from '../../src/receive-pool.js';
import type { RawMessage } from '../../src/types.js';
import { pattern, waitFor } from '@nanomsg-ts/testkit';
import { nativePair, readable } from './native.js';

/** Sends each message with NN_DONTWAIT, retrying while the connection comes up. */
async function sendAll(s: NativeSocket, messages: readonly (string | Buffer)[]): Promise<void> {
  for (const m of messages) await waitFor(() => s.send(m), 'the library to take a message');
}

describe('takeBodies', () => {
  it('returns the first message and queues the others, all views of one pool', async () => {
    const { bound, connected } = nativePair('NN_PAIR');
    await sendAll(connected, ['one', 'two', 'three']);
    await readable(bound);
    const rest: Buffer[] = [];
    const first = takeBodies(bound, 256, true, rest);
    expect(String(first)).toBe('one');
    expect(rest.map(String)).toEqual(['two', 'three']);
    for (const m of rest) expect(m.buffer).toBe(first!.buffer);
    expect(first!.buffer.byteLength).toBe(16 * 1024);
    expect(takeBodies(bound, 256, true, rest)).toBeUndefined();
  });

  it('takes at most `max`: one at a time leaves the rest in the library', async () => {
    const { bound, connected } = nativePair('NN_PAIR');
    await sendAll(connected, ['a', 'b']);
    await readable(bound);
    const rest: Buffer[] = [];
    expect(String(takeBodies(bound, 1, true, rest))).toBe('a');
    expect(rest).toEqual([]);
    await readable(bound);
    expect(String(takeBodies(bound, 1, true, rest))).toBe('b');
  });

  it('a message larger than a pooled one (2 KiB) comes alone, after the pooled ones before it', async () => {
    const { bound, connected } = nativePair('NN_PAIR');
    const big = pattern(5000);
    await sendAll(connected, ['small', big, 'after']);
    await readable(bound);
    const rest: Buffer[] = [];
    const first = takeBodies(bound, 256, true, rest);
    expect(String(first)).toBe('small');
    expect(rest.length).toBe(1);
    expect(rest[0]!.equals(big)).toBe(true);
    expect(rest[0]!.buffer).not.toBe(first!.buffer);
    // The one after it comes with the next call.
    await readable(bound);
    expect(String(takeBodies(bound, 256, true, rest))).toBe('after');
  });

  it('keeps what it handed out intact while later messages fill the pool', async () => {
    const { bound, connected } = nativePair('NN_PAIR');
    const kept: Buffer[] = [];
    for (let round = 0; round < 20; round++) {
      const body = pattern(1500, round + 1);
      await sendAll(connected, [body]);
      await readable(bound);
      kept.push(takeBodies(bound, 256, true, kept)!);
    }
    kept.forEach((m, round) => expect(m.equals(pattern(1500, round + 1))).toBe(true));
  });
});

describe('takeRaw', () => {
  it('gives bodies with their SP headers: a raw REP sees the request id', async () => {
    // A raw REQ sends a body with the header it is given.
    const { bound: rep, connected: req } = nativePair('NN_REP', 'NN_REQ', true);
    await waitFor(
      () => req.sendMsg('question', Buffer.from([0x80, 0, 0, 1])),
      'the library to take the request',
    );
    await readable(rep);
    const rest: RawMessage[] = [];
    const first = takeRaw(rep, 256, rest);
    expect(String(first!.body)).toBe('question');
    // The raw REP's header: the pipe id the library added, then the request id.
    expect([...first!.header.subarray(-4)]).toEqual([0x80, 0, 0, 1]);
    expect(rest).toEqual([]);
    expect(takeRaw(rep, 256, rest)).toBeUndefined();
  });
});
