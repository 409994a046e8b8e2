// Waiting operations (src/waiters.ts): a timeout or an abort takes a waiter
// out of its queue and rejects it; disarm forgets both; many timeouts at once
// are rejected a batch per event-loop turn.
import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/queue.js';
import { arm, disarm, type Waiter } from '../../src/waiters.js';
import { sleep } from '@nanomsg-ts/testkit';

interface Outcome {
  value?: unknown;
  error?: unknown;
}

/** A waiter for `syscall` recording how it settled into `out`. */
function waiter(out: Outcome, signal?: AbortSignal, syscall = 'nn_recv'): Waiter<unknown> {
  return {
    resolve: (value) => (out.value = value),
    reject: (error) => (out.error = error),
    timer: undefined,
    signal,
    onAbort: undefined,
    syscall,
  };
}

describe('arm', () => {
  it('a timeout takes the waiter out of its queue, settles it, rejects it with ETIMEDOUT and tells the socket', async () => {
    const queue = new Queue<Waiter<unknown>>();
    const out: Outcome = {};
    const settled: unknown[] = [];
    let left = 0;
    const w = waiter(out, undefined, 'nn_send');
    arm(
      w,
      queue,
      20,
      (x) => settled.push(x),
      () => left++,
    );
    expect(queue.length).toBe(1);
    await sleep(80);
    expect(queue.length).toBe(0);
    expect(settled).toEqual([w]);
    expect(out.error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'nn_send' });
    expect(left).toBe(1);
  });

  it("an abort takes it out and rejects it with the signal's reason", () => {
    const queue = new Queue<Waiter<unknown>>();
    const out: Outcome = {};
    const controller = new AbortController();
    let left = 0;
    arm(waiter(out, controller.signal), queue, -1, disarm, () => left++);
    const reason = new Error('gave up');
    controller.abort(reason);
    expect(queue.length).toBe(0);
    expect(out.error).toBe(reason);
    expect(left).toBe(1);
  });

  it('timeout -1 (and 0) arms no timer; a waiter that left its queue otherwise is not rejected later', async () => {
    const queue = new Queue<Waiter<unknown>>();
    const out: Outcome = {};
    const controller = new AbortController();
    const w = waiter(out, controller.signal);
    arm(w, queue, 30, disarm, () => {});
    // The socket hands it a message: out of the queue, disarmed.
    expect(queue.shift()).toBe(w);
    disarm(w);
    w.resolve('message');
    controller.abort();
    await sleep(60);
    expect(out).toEqual({ value: 'message' });
    const none = waiter({});
    arm(none, queue, -1, disarm, () => {});
    expect(none.timer).toBeUndefined();
    queue.takeAll();
  });
});

describe('many timeouts at once', () => {
  it('all reject with ETIMEDOUT, at most 1024 per event-loop turn', async () => {
    const queue = new Queue<Waiter<unknown>>();
    const n = 3000;
    let rejected = 0;
    const perTurn: number[] = [];
    for (let i = 0; i < n; i++) {
      arm(
        {
          resolve: () => {},
          reject: (e) => {
            expect(e).toMatchObject({ code: 'ETIMEDOUT' });
            rejected++;
          },
          timer: undefined,
          signal: undefined,
          onAbort: undefined,
          syscall: 'nn_send',
        },
        queue,
        5,
        disarm,
        () => {},
      );
    }
    // Counts rejections per turn until all are in.
    while (rejected < n) {
      const before = rejected;
      await new Promise((resolve) => setImmediate(resolve));
      if (rejected > before) perTurn.push(rejected - before);
    }
    expect(queue.length).toBe(0);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(1024);
    expect(perTurn.length).toBeGreaterThanOrEqual(3);
  });
});
