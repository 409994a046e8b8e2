// Regression tests for a core bug, fixed in 431c2ee: a send or recv given a
// signal that was already aborted went ahead when it could complete at once
// (recv resolved with a ready message, taking it from the queue; send handed
// the message to the library). API.md: "An aborted signal rejects with the
// signal's reason ... and loses no message"; Node.js APIs (fs,
// timers/promises, events.once, fetch) reject at once for an aborted signal.
import { describe, expect, it } from 'vitest';
import {
  connectedPair,
  rejection,
  sleep,
  coreTransports as transports,
  useSockets,
} from '@nanomsg-ts/testkit';

const open = useSockets();

describe.each(transports)('Socket with an already-aborted AbortSignal over %s', (transport) => {
  it('recv: rejects with the reason even though a message is ready; the message stays for the next recv', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('ready');
    await sleep(50);
    const reason = new Error('gave up before asking');
    const error = await rejection(bound.recv({ signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('ready');
  });

  it('send: rejects with the reason even though the socket could take it; nothing is sent', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('warm up');
    await bound.recv({ timeout: 5000 });
    const reason = new Error('gave up before sending');
    const error = await rejection(
      connected.send('must not arrive', { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBe(reason);
    await connected.send('next');
    expect((await bound.recv({ timeout: 5000 })).toString()).toBe('next');
  });
});
