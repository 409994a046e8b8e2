import { afterEach, describe, expect, it } from 'vitest';
import { Pair } from '@nanomsg-ts/pair';
import { bindAny, track, transports } from '../../../testing/helpers.js';

const sockets = track();
afterEach(() => sockets.closeAll());

describe.each(transports)('pair over %s', (transport) => {
  it('plays ping-pong both ways', async () => {
    const a = sockets.add(new Pair());
    const b = sockets.add(new Pair());
    b.connect(bindAny(a, transport));
    for (let i = 0; i < 50; i++) {
      await a.send(`ping ${i}`);
      expect(String(await b.recv({ timeout: 3000 }))).toBe(`ping ${i}`);
      await b.send(Buffer.from(`pong ${i}`));
      expect(String(await a.recv({ timeout: 3000 }))).toBe(`pong ${i}`);
    }
  });
});

describe('pair over ws frames', () => {
  it.each(['text', 'binary'] as const)('carries %s frames', async (type) => {
    const a = sockets.add(new Pair({ wsMessageType: type }));
    const b = sockets.add(new Pair({ wsMessageType: type }));
    expect(a.wsMessageType).toBe(type);
    b.connect(bindAny(a, 'ws'));
    const message = type === 'text' ? 'héllo wörld ✓' : Buffer.from([0, 0xff, 0xfe, 1, 2]);
    await b.send(message);
    expect(Buffer.compare(await a.recv({ timeout: 3000 }), Buffer.from(message))).toBe(0);
  });

  it('drops a text frame that is not valid UTF-8', async () => {
    const a = sockets.add(new Pair({ wsMessageType: 'text' }));
    const b = sockets.add(new Pair({ wsMessageType: 'text' }));
    b.connect(bindAny(a, 'ws'));
    await b.send(Buffer.from([0xc3, 0x28]), { timeout: 1000 });
    await b.send('valid', { timeout: 1000 }).catch(() => {});
    const first = await a.recv({ timeout: 1000 }).catch((e: unknown) => e);
    // The receiver drops the invalid frame (and with it the connection), so
    // at most the valid message arrives: never the invalid bytes.
    if (Buffer.isBuffer(first)) expect(String(first)).toBe('valid');
    else expect(first).toMatchObject({ code: 'ETIMEDOUT' });
  });
});
