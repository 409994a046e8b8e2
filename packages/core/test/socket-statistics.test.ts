import { describe, expect, it } from 'vitest';
import { features, symbols } from '@nanomsg-ts/core';
import {
  connectedPair,
  coreTransports as transports,
  useSockets,
  waitFor,
} from '@nanomsg-ts/testkit';

const open = useSockets();

/** The keys statistics() must have: every NN_STAT_* symbol, camelCased without the prefix. */
function expectedKeys(): string[] {
  return symbols()
    .filter((s) => s.namespace === 'NN_NS_STATISTIC')
    .map((s) =>
      s.name
        .slice('NN_STAT_'.length)
        .toLowerCase()
        .replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
    );
}

describe.runIf(features.statistics).each(transports)('Socket.statistics over %s', (transport) => {
  it('keys: every NN_STAT_* symbol in camelCase without the prefix, each a non-negative integer', () => {
    const { bound } = connectedPair(open, transport);
    const stats = bound.statistics();
    const keys = expectedKeys();
    expect(keys.length).toBeGreaterThan(10);
    expect(Object.keys(stats).sort()).toEqual([...keys].sort());
    expect(keys).toEqual(
      expect.arrayContaining(['messagesSent', 'bytesReceived', 'currentConnections']),
    );
    for (const [key, value] of Object.entries(stats)) {
      expect(Number.isInteger(value), key).toBe(true);
      expect(value, key).toBeGreaterThanOrEqual(0);
    }
  });

  it('counters: messages and bytes move with traffic on both sides', async () => {
    const { bound, connected } = connectedPair(open, transport);
    const before = { sent: connected.statistics(), received: bound.statistics() };
    expect(before.sent.messagesSent).toBe(0);
    await connected.send('hello');
    await connected.send('abc');
    await bound.recv({ timeout: 5000 });
    await bound.recv({ timeout: 5000 });
    await waitFor(() => bound.statistics().messagesReceived === 2, 'two messages counted');
    const sent = connected.statistics();
    const received = bound.statistics();
    expect(sent.messagesSent).toBe(2);
    expect(sent.bytesSent).toBe(8);
    expect(received.messagesReceived).toBe(2);
    expect(received.bytesReceived).toBe(8);
    expect(received.messagesSent).toBe(0);
    expect(sent.messagesReceived).toBe(0);
    await bound.send('back');
    await connected.recv({ timeout: 5000 });
    await waitFor(() => connected.statistics().bytesReceived === 4, 'the reply counted');
    expect(bound.statistics().bytesSent).toBe(4);
  });

  it('connections: the connecting side counts an established connection, both a current one', async () => {
    const { bound, connected } = connectedPair(open, transport);
    await connected.send('x');
    await bound.recv({ timeout: 5000 });
    await waitFor(
      () =>
        connected.statistics().currentConnections === 1 &&
        bound.statistics().currentConnections === 1,
      'one current connection each',
    );
    expect(connected.statistics().establishedConnections).toBe(1);
    if (transport !== 'inproc') expect(bound.statistics().acceptedConnections).toBe(1);
  });
});
