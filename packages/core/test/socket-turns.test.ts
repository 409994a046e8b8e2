// Operations that complete at once settle at once, except after a long run of
// them on one socket, when one settles on the event loop's next turn so that
// a loop of them cannot starve timers and I/O. The run is counted per socket
// and starts over whenever the socket had to wait (its watcher fired: the
// event loop had a turn).
import { describe, expect, it } from 'vitest';
import { connectedPair, sleep, useSockets } from '@nanomsg-ts/testkit';

const open = useSockets();

/** A connected inproc PAIR whose connection is up (one message went through). */
async function pair(): Promise<ReturnType<typeof connectedPair>> {
  const p = connectedPair(open, 'inproc');
  await p.bound.send('hello', { timeout: 5000 });
  expect(String(await p.connected.recv({ timeout: 5000 }))).toBe('hello');
  return p;
}

/** The longest run of immediate completions a socket settles before giving the loop a turn. */
const RUN = 1024;

/**
 * Awaits `n` sends on `sock` that the library takes at once; returns how many
 * of them settled only after the event loop had a turn.
 */
async function sendsAfterATurn(send: () => Promise<void>, n: number): Promise<number> {
  let turned = false;
  let late = 0;
  const turn = setImmediate(() => (turned = true));
  for (let i = 0; i < n; i++) {
    await send();
    if (turned) late++;
  }
  clearImmediate(turn);
  return late;
}

/** Sends until one settles after a turn: the run has just started over (before, over all sockets). */
async function startRun(send: () => Promise<void>): Promise<void> {
  for (let i = 0; i <= RUN; i++) if ((await sendsAfterATurn(send, 1)) > 0) return;
  throw new Error(`no send of ${RUN + 1} settled after a turn`);
}

describe('the run of immediate completions', () => {
  it('is counted per socket: a long run on one socket does not make another socket yield', async () => {
    const one = await pair();
    const two = await pair();
    // Drain what they send, so every send completes at once.
    const drain = (s: { tryRecv(): Buffer | undefined }) => {
      const timer = setInterval(() => {
        while (s.tryRecv() !== undefined);
      }, 1);
      return () => clearInterval(timer);
    };
    const stops = [drain(one.connected), drain(two.connected)];
    try {
      // Three quarters of a run on the first socket, then half a run on the second.
      await startRun(() => one.bound.send('x'));
      expect(await sendsAfterATurn(() => one.bound.send('x'), (RUN * 3) / 4)).toBe(0);
      expect(await sendsAfterATurn(() => two.bound.send('x'), RUN / 2)).toBe(0);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('starts over when the socket waited: its watcher fired, so the loop had a turn', async () => {
    const { bound, connected } = await pair();
    const stop = setInterval(() => {
      while (connected.tryRecv() !== undefined);
    }, 1);
    try {
      await startRun(() => bound.send('x'));
      expect(await sendsAfterATurn(() => bound.send('x'), (RUN * 3) / 4)).toBe(0);
      // A receive that has to wait: the watcher fires when the message comes.
      const waiting = bound.recv({ timeout: 5000 });
      await sleep(5);
      await connected.send('wake up');
      expect(String(await waiting)).toBe('wake up');
      expect(await sendsAfterATurn(() => bound.send('x'), RUN / 2)).toBe(0);
    } finally {
      clearInterval(stop);
    }
  });

  it('still yields within a run on one socket: the RUN-th immediate completion settles after a turn', async () => {
    const { bound, connected } = await pair();
    const stop = setInterval(() => {
      while (connected.tryRecv() !== undefined);
    }, 1);
    try {
      expect(await sendsAfterATurn(() => bound.send('x'), RUN + 1)).toBeGreaterThan(0);
    } finally {
      clearInterval(stop);
    }
  });
});
