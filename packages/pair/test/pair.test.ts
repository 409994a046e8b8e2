import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Pair } from '@nanomsg-ts/pair';
import { bindAny, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

const errorOf = (error: unknown): unknown => error;

/** What `trySend` returns, or the error it throws. */
function tryToSend(socket: Pair, message: ArrayBufferView | ArrayBuffer): unknown {
  try {
    return socket.trySend(message);
  } catch (error) {
    return error;
  }
}

describe.each(transports)('pair over %s', (transport) => {
  it('plays ping-pong both ways', async () => {
    const a = sockets.add(new Pair());
    const b = sockets.add(new Pair());
    b.connect(bindAny(a, transport).address);
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
    b.connect(bindAny(a, 'ws').address);
    const message = type === 'text' ? 'héllo wörld ✓' : Buffer.from([0, 0xff, 0xfe, 1, 2]);
    await b.send(message);
    expect(Buffer.compare(await a.recv({ timeout: 3000 }), Buffer.from(message))).toBe(0);
  });

  it('refuses bytes that are not valid UTF-8 on a text socket with EINVAL before the library sees them: the connection stays up and later messages arrive both ways', async () => {
    const a = sockets.add(new Pair({ wsMessageType: 'text' }));
    const b = sockets.add(new Pair({ wsMessageType: 'text' }));
    b.connect(bindAny(a, 'ws').address);
    // Sent as a text frame, invalid UTF-8 made the peer drop the connection,
    // which was never rebuilt: every later send and recv timed out.
    const invalid: (ArrayBufferView | ArrayBuffer)[] = [
      Buffer.from([0xff]),
      new Uint8Array([0xc3, 0x28]),
      new DataView(Uint8Array.of(0x61, 0x80).buffer),
      Uint8Array.of(0xe2, 0x82).buffer,
    ];
    for (const message of invalid) {
      expect(await b.send(message, { timeout: 3000 }).then(() => 'sent', errorOf)).toMatchObject({
        code: 'EINVAL',
        syscall: 'nn_send',
      });
      expect(tryToSend(b, message)).toMatchObject({ code: 'EINVAL', syscall: 'nn_send' });
    }
    await b.send(Buffer.from('héllo ✓'), { timeout: 3000 });
    expect(String(await a.recv({ timeout: 3000 }))).toBe('héllo ✓');
    await a.send('and back', { timeout: 3000 });
    expect(String(await b.recv({ timeout: 3000 }))).toBe('and back');
  });

  it('refuses them also when the send would wait (no peer yet), and from when wsMessageType becomes text', async () => {
    const a = sockets.add(new Pair({ wsMessageType: 'text' }));
    const addr = bindAny(a, 'ws').address;
    const error = await a.send(Buffer.from([0xff]), { timeout: 3000 }).then(() => 'sent', errorOf);
    expect(error).toMatchObject({ code: 'EINVAL', syscall: 'nn_send' });
    expect(NanomsgError.isInstance(error)).toBe(true);
    const waiting = a.send(Buffer.from('waits for its peer'), { timeout: 5000 });
    const b = sockets.add(new Pair({ wsMessageType: 'text' }));
    b.connect(addr);
    await waiting;
    expect(String(await b.recv({ timeout: 3000 }))).toBe('waits for its peer');

    const lone = sockets.add(new Pair());
    expect(lone.trySend(Buffer.from([0xff]))).toBe(false); // binary: would block
    lone.wsMessageType = 'text';
    expect(tryToSend(lone, Buffer.from([0xff]))).toMatchObject({ code: 'EINVAL' });
  });
});
