// The receive queue (src/receive-queue.ts) over real sockets: receives that
// complete at once, waiting receivers served in order, taking ahead or one
// at a time as the protocol's traits say, one exchange at a time, and what
// close and terminate do. The tests call deliver() where the socket's
// watcher would.
import { describe, expect, it } from 'vitest';
import type { NativeSocket } from '../../src/native.js';
import type { Traits } from '../../src/protocols.js';
import { BODY, ITERATE, ReceiveQueue, WITH_HEADER } from '../../src/receive-queue.js';
import { readyBits } from '../../src/watch.js';
import { rejection, waitFor } from '@nanomsg-ts/testkit';
import { nativePair, queueHost, readable } from './native.js';

const AHEAD: Traits = { receiveAhead: true, oneExchange: false, sendStartsExchange: false };
const ONE_AT_A_TIME: Traits = {
  receiveAhead: false,
  oneExchange: false,
  sendStartsExchange: false,
};
const ONE_EXCHANGE: Traits = { receiveAhead: false, oneExchange: true, sendStartsExchange: false };

async function sendAll(s: NativeSocket, messages: readonly string[]): Promise<void> {
  for (const m of messages) await waitFor(() => s.send(m), 'the library to take a message');
}

/** A PAIR whose peer sent `messages`, and the receive queue of the receiving end. */
async function withMessages(messages: readonly string[], traits: Traits) {
  const { bound, connected } = nativePair('NN_PAIR');
  await sendAll(connected, messages);
  if (messages.length > 0) await readable(bound);
  const host = queueHost(bound);
  return { bound, connected, host, queue: new ReceiveQueue(host, traits) };
}

describe('ReceiveQueue', () => {
  it('a receive completes at once when the library has a message; ahead, it takes the others too', async () => {
    const { bound, queue } = await withMessages(['one', 'two', 'three'], AHEAD);
    expect(String(await queue.receive(BODY, undefined))).toBe('one');
    expect(queue.holding).toBe(true);
    const { readable: R } = readyBits();
    expect(bound.poll(R)).toBe(0); // all taken
    expect(String(queue.tryRecv())).toBe('two');
    expect(String(queue.tryRecv())).toBe('three');
    expect(queue.tryRecv()).toBeUndefined();
  });

  it('one at a time: the others stay in the library until asked for', async () => {
    const { bound, queue } = await withMessages(['one', 'two'], ONE_AT_A_TIME);
    expect(String(await queue.receive(BODY, undefined))).toBe('one');
    expect(queue.holding).toBe(false);
    await readable(bound);
    expect(String(queue.tryRecv())).toBe('two');
  });

  it('waiting receivers are served in order when messages come (deliver)', async () => {
    const { bound, connected, host, queue } = await withMessages([], AHEAD);
    const first = queue.receive(BODY, undefined);
    const second = queue.receive(WITH_HEADER, undefined);
    const third = queue.receive(ITERATE, undefined);
    expect(queue.waiting).toBe(3);
    expect(host.changes).toBe(3);
    // Receivers that wait come before tryRecv.
    await sendAll(connected, ['a', 'b', 'c']);
    await readable(bound);
    expect(queue.tryRecv()).toBeUndefined();
    queue.deliver();
    expect(String(await first)).toBe('a');
    expect(await second).toEqual({ body: Buffer.from('b'), header: Buffer.alloc(0) });
    expect(await third).toEqual({ value: Buffer.from('c'), done: false });
    expect(queue.waiting).toBe(0);
  });

  it('timeouts: 0 looks once and fails, a short one takes the receiver out of the queue', async () => {
    const { queue } = await withMessages([], AHEAD);
    expect(await rejection(queue.receive(BODY, { timeout: 0 }))).toMatchObject({
      code: 'ETIMEDOUT',
    });
    const waiting = queue.receive(WITH_HEADER, { timeout: 20 });
    expect(queue.waiting).toBe(1);
    expect(await rejection(waiting)).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_recvmsg' });
    expect(queue.waiting).toBe(0);
  });

  it('one exchange: a second receive while one waits, or while one is being handed, fails with EFSM', async () => {
    const waitingCase = await withMessages([], ONE_EXCHANGE);
    const pending = waitingCase.queue.receive(BODY, undefined);
    expect(await rejection(waitingCase.queue.receive(BODY, undefined))).toMatchObject({
      code: 'EFSM',
    });
    expect(() => waitingCase.queue.tryRecv()).toThrow(expect.objectContaining({ code: 'EFSM' }));
    waitingCase.queue.close();
    await rejection(pending);

    const { bound, queue } = await withMessages(['first', 'second'], ONE_EXCHANGE);
    const handed = queue.receive(BODY, undefined);
    // Same tick: the first caller has not run yet.
    expect(await rejection(queue.receive(BODY, undefined))).toMatchObject({ code: 'EFSM' });
    expect(String(await handed)).toBe('first');
    // Its caller ran: the next request may be taken.
    await readable(bound);
    expect(String(await queue.receive(BODY, undefined))).toBe('second');
  });

  it('retain keeps the matching messages taken ahead; dropAhead drops them all', async () => {
    const { queue } = await withMessages(['keep 1', 'drop', 'keep 2', 'x'], AHEAD);
    expect(String(await queue.receive(BODY, undefined))).toBe('keep 1');
    queue.retain((body) => String(body).startsWith('keep'));
    expect(String(queue.tryRecv())).toBe('keep 2');
    expect(queue.tryRecv()).toBeUndefined();

    const more = await withMessages(['a', 'b', 'c'], AHEAD);
    expect(String(await more.queue.receive(BODY, undefined))).toBe('a');
    more.queue.dropAhead();
    expect(more.queue.holding).toBe(false);
  });

  it('close: waiting receives fail with EBADF, iterations end; later ones the same', async () => {
    const { host, queue } = await withMessages([], AHEAD);
    const recv = queue.receive(BODY, undefined);
    const step = queue.receive(ITERATE, undefined);
    host.state.closed = true;
    queue.close();
    expect(await rejection(recv)).toMatchObject({ code: 'EBADF', syscall: 'nn_recv' });
    expect(await step).toEqual({ value: undefined, done: true });
    expect(await rejection(queue.receive(BODY, undefined))).toMatchObject({ code: 'EBADF' });
    expect(await queue.receive(ITERATE, undefined)).toEqual({ value: undefined, done: true });
    expect(() => queue.tryRecv()).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('terminate: waiting receives fail with ETERM, and so does every later one', async () => {
    const { host, queue } = await withMessages([], AHEAD);
    const recv = queue.receive(BODY, undefined);
    host.state.terminated = true;
    queue.terminate();
    expect(await rejection(recv)).toMatchObject({ code: 'ETERM' });
    expect(await rejection(queue.receive(ITERATE, undefined))).toMatchObject({ code: 'ETERM' });
  });

  it('an aborted signal rejects at once and takes no message', async () => {
    const { queue } = await withMessages(['stays'], AHEAD);
    const reason = new Error('no');
    expect(await rejection(queue.receive(BODY, { signal: AbortSignal.abort(reason) }))).toBe(
      reason,
    );
    expect(String(queue.tryRecv())).toBe('stays');
  });
});
