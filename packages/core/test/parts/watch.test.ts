// The readiness watch (src/watch.ts): the addon's watchers run while someone
// waits; a kept watcher that fires for nobody stops; pollers are woken; poll's
// readiness counts messages already taken.
import { describe, expect, it } from 'vitest';
import { readyBits, Watch } from '../../src/watch.js';
import { address, sleep, waitFor } from '@nanomsg-ts/testkit';
import { nativePair, nativeSocket, readable } from './native.js';

describe('Watch', () => {
  it('the readable watcher calls the socket back when a message comes, while watched', async () => {
    const { readable: R } = readyBits();
    const events: number[] = [];
    const bound = nativeSocket('NN_PAIR', { onReady: (e) => events.push(e) });
    const connected = nativeSocket('NN_PAIR');
    const where = address('inproc');
    bound.bind(where);
    connected.connect(where);
    const watch = new Watch(bound);
    watch.update(R);
    await waitFor(() => connected.send('wake'), 'the send');
    await waitFor(() => events.length > 0, 'the watcher to fire');
    expect(events[0]! & R).toBe(R);
    // Nobody waits any more: a fired bit nobody watches is one to stop.
    watch.update(0);
    expect(watch.unwanted(R)).toBe(R);
    watch.update(0, R);
    watch.stopped();
  });

  it('pollers are watched for and woken for their events only', async () => {
    const { readable: R, writable: W } = readyBits();
    const watch = new Watch(nativeSocket('NN_PAIR'));
    const woken: string[] = [];
    const reader = { events: R, wake: () => woken.push('reader') };
    const writer = { events: W, wake: () => woken.push('writer') };
    watch.addPoller(reader);
    watch.addPoller(writer);
    watch.update(0);
    expect(watch.unwanted(R | W)).toBe(0); // the pollers want both
    watch.wake(R);
    expect(woken).toEqual(['reader']);
    expect(watch.removePoller(writer)).toBe(true);
    expect(watch.removePoller(writer)).toBe(false);
    watch.wakeAll();
    expect(woken).toEqual(['reader', 'reader']);
    watch.wake(R | W);
    expect(woken).toEqual(['reader', 'reader']); // wakeAll forgot them
    watch.update(0, R | W);
  });

  it('readiness: ready bits now, messages already taken count, waiting callers come first', async () => {
    const { readable: R, writable: W } = readyBits();
    const { bound, connected } = nativePair('NN_PAIR');
    const watch = new Watch(bound);
    await waitFor(() => (watch.readiness(W, true, false, true) & W) !== 0, 'the connection');
    expect(watch.readiness(R, true, false, true)).toBe(0);
    expect(watch.readiness(R, true, true, true)).toBe(R); // the socket holds one
    expect(watch.readiness(R, false, true, true)).toBe(0); // ... for a waiting caller
    expect(watch.readiness(W, true, false, false)).toBe(0); // sends wait before
    await waitFor(() => connected.send('x'), 'the send');
    await readable(bound);
    expect(watch.readiness(R | W, true, false, true)).toBe(R | W);
    expect(watch.readiness(0, true, false, true)).toBe(0);
    await sleep(1);
  });
});
