// The send queue (src/send-queue.ts) over real sockets: sends the library
// takes at once, sends that wait in order (copied first), their timeouts, and
// what close and terminate do to them. The tests call flush() where the
// socket's watcher would.
import { describe, expect, it } from 'vitest';
import type { NativeSocket } from '../../src/native.js';
import { optionSpec } from '../../src/options.js';
import { takeBodies } from '../../src/receive-pool.js';
import { SendQueue } from '../../src/send-queue.js';
import { features, symbol } from '../../src/symbols.js';
import { readyBits } from '../../src/watch.js';
import { address, outcome, pattern, rejection, waitFor } from '@nanomsg-ts/testkit';
import { nativeSocket, queueHost, readable } from './native.js';

/** Waits until the library lets `native` send. */
function writable(native: NativeSocket): Promise<void> {
  const { writable: W } = readyBits();
  return waitFor(() => (native.poll(W) & W) !== 0, 'room to send');
}

/** The first `n` messages `pull` receives, as strings. */
async function received(pull: NativeSocket, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    await readable(pull);
    const rest: Buffer[] = [];
    const first = takeBodies(pull, n - out.length, true, rest);
    if (first !== undefined) out.push(String(first), ...rest.map(String));
  }
  return out;
}

/** A PUSH with no peer yet, its queue, and `connect()` for a PULL. */
function lonelyPush() {
  const push = nativeSocket('NN_PUSH');
  const where = address('inproc');
  push.bind(where);
  const host = queueHost(push);
  const queue = new SendQueue(host);
  const connect = () => {
    const pull = nativeSocket('NN_PULL');
    pull.connect(where);
    return pull;
  };
  return { push, host, queue, connect };
}

describe('SendQueue', () => {
  it('waits while the library cannot take a message, then sends in order when flushed', async () => {
    const { push, host, queue, connect } = lonelyPush();
    const sent: string[] = [];
    const first = queue.send('first', undefined).then(() => sent.push('first'));
    const second = queue.send(Buffer.from('second'), undefined).then(() => sent.push('second'));
    expect(queue.length).toBe(2);
    expect(host.changes).toBe(2);
    // trySend never jumps the queue.
    expect(queue.trySend('third')).toBe(false);
    const pull = connect();
    await writable(push);
    queue.flush();
    await Promise.all([first, second]);
    expect(sent).toEqual(['first', 'second']);
    expect(queue.length).toBe(0);
    expect(await received(pull, 2)).toEqual(['first', 'second']);
  });

  it('copies a waiting message: the caller may reuse its buffer at once', async () => {
    const { push, queue, connect } = lonelyPush();
    const bytes = Buffer.from('original');
    const waiting = queue.send(bytes, undefined);
    bytes.write('CHANGED!');
    const pull = connect();
    await writable(push);
    queue.flush();
    await waiting;
    expect(await received(pull, 1)).toEqual(['original']);
  });

  it('a send the library takes at once settles at once and calls `sent`', async () => {
    let sentCalls = 0;
    const push = nativeSocket('NN_PUSH');
    const pull = nativeSocket('NN_PULL');
    const where = address('inproc');
    pull.bind(where);
    push.connect(where);
    await writable(push);
    const queue = new SendQueue(queueHost(push, { sent: () => sentCalls++ }));
    await queue.send('now', undefined);
    expect(queue.length).toBe(0);
    expect(queue.trySend('also now')).toBe(true);
    expect(sentCalls).toBe(2);
  });

  it('timeouts: 0 fails at once, a short one takes the send out of the queue', async () => {
    const { queue } = lonelyPush();
    expect(await rejection(queue.send('x', { timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const waiting = queue.send(pattern(100), { timeout: 20 });
    expect(queue.length).toBe(1);
    expect(await rejection(waiting)).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_send' });
    expect(queue.length).toBe(0);
  });

  it('failAll rejects every waiting send with the reason for its call', async () => {
    const { queue } = lonelyPush();
    const a = queue.send('a', undefined);
    const b = queue.sendMessage({ body: 'b', header: Buffer.alloc(0) }, undefined);
    queue.failAll((syscall) => new Error(`closed in ${syscall}`));
    expect(String(((await outcome(a)) as { error: unknown }).error)).toContain('closed in nn_send');
    expect(String(((await outcome(b)) as { error: unknown }).error)).toContain(
      'closed in nn_sendmsg',
    );
    expect(queue.length).toBe(0);
  });

  it('refuses wrong messages, a header on a cooked socket, and any use once closed or terminated', async () => {
    const { host, queue } = lonelyPush();
    await expect(queue.send(5 as never, undefined)).rejects.toThrow(TypeError);
    await expect(queue.sendMessage({ body: 'x', header: 'h' as never }, undefined)).rejects.toThrow(
      TypeError,
    );
    expect(
      await rejection(queue.sendMessage({ body: 'x', header: Buffer.from([1]) }, undefined)),
    ).toMatchObject({ code: 'EINVAL', syscall: 'nn_sendmsg' });
    host.state.closed = true;
    expect(await rejection(queue.send('x', undefined))).toMatchObject({ code: 'EBADF' });
    host.state.terminated = true;
    expect(() => queue.trySend('x')).toThrow(expect.objectContaining({ code: 'ETERM' }));
  });

  it.runIf(features.websocket)(
    'a socket whose ws frames are text refuses bytes that are not UTF-8',
    async () => {
      const { host, queue } = lonelyPush();
      host.options.set(
        optionSpec('NN_WS_MSG_TYPE', 'nn_setsockopt'),
        symbol('NN_WS_MSG_TYPE_TEXT'),
      );
      expect(host.options.wsText()).toBe(true);
      expect(() => queue.trySend(Buffer.from([0xff, 0xfe]))).toThrow(
        expect.objectContaining({ code: 'EINVAL' }),
      );
      expect(queue.trySend('text is fine')).toBe(false); // no peer: it would block
    },
  );
});
