// What protocols declare (src/protocols.ts): a cooked socket of a registered
// protocol follows its declaration; an undeclared one is served safely, one
// message at a time; raw sockets always take ahead.
import { describe, expect, it } from 'vitest';
import { registerProtocol, traitsOf } from '../../src/protocols.js';
import { Socket } from '../../src/socket.js';
import { address, connections, sleep } from '@nanomsg-ts/testkit';
import { nativeSocket } from './native.js';

describe('traitsOf', () => {
  it('an undeclared protocol that sends: never ahead, nothing refused, no new exchange on send', () => {
    for (const p of ['NN_PAIR', 'NN_REP', 'NN_BUS']) {
      expect(traitsOf(p, false, nativeSocket(p)), p).toEqual({
        receiveAhead: false,
        oneExchange: false,
        sendStartsExchange: false,
      });
    }
  });

  it('an undeclared protocol that cannot send (the library refuses its NN_SNDFD): ahead', () => {
    for (const p of ['NN_PULL', 'NN_SUB']) {
      expect(traitsOf(p, false, nativeSocket(p)), p).toEqual({
        receiveAhead: true,
        oneExchange: false,
        sendStartsExchange: false,
      });
    }
  });

  it('raw sockets take ahead whatever the declaration', () => {
    registerProtocol('NN_TEST_ONE', { receive: 'one-exchange' });
    expect(traitsOf('NN_TEST_ONE', true, nativeSocket('NN_PAIR'))).toEqual({
      receiveAhead: true,
      oneExchange: false,
      sendStartsExchange: false,
    });
  });

  it('follows the last declaration', () => {
    registerProtocol('NN_TEST_TWO', { receive: 'ahead', sendStartsExchange: true });
    expect(traitsOf('NN_TEST_TWO', false, nativeSocket('NN_PAIR'))).toEqual({
      receiveAhead: true,
      oneExchange: false,
      sendStartsExchange: true,
    });
    registerProtocol('NN_TEST_TWO', { receive: 'one-exchange' });
    expect(traitsOf('NN_TEST_TWO', false, nativeSocket('NN_PAIR'))).toMatchObject({
      oneExchange: true,
    });
  });

  it('checks the declaration', () => {
    expect(() => registerProtocol(5 as never, { receive: 'ahead' })).toThrow(TypeError);
    expect(() => registerProtocol('NN_X', null as never)).toThrow(TypeError);
    expect(() => registerProtocol('NN_X', { receive: 'batch' as never })).toThrow(
      /receive must be "ahead" or "one-exchange"/,
    );
    expect(() =>
      registerProtocol('NN_X', { receive: 'ahead', sendStartsExchange: 1 as never }),
    ).toThrow(TypeError);
  });
});

describe('a generic Socket of a protocol nobody declared (no protocol package imported)', () => {
  it('NN_REP never takes a request ahead of its caller: each reply goes to its requester', async () => {
    const rep = new Socket('NN_REP');
    const reqs = [new Socket('NN_REQ'), new Socket('NN_REQ')];
    const where = address('inproc');
    rep.bind(where);
    for (const req of reqs) req.connect(where);
    try {
      await connections(rep, 2);
      await reqs[0]!.send('A');
      await reqs[1]!.send('B');
      await sleep(20);
      const request = String(await rep.recv({ timeout: 5000 }));
      // Only the one request left the library: the other's return path is intact.
      expect(rep.statistics().messagesReceived).toBe(1);
      await rep.send(`re ${request}`);
      const other = String(await rep.recv({ timeout: 5000 }));
      await rep.send(`re ${other}`);
      expect(String(await reqs[0]!.recv({ timeout: 5000 }))).toBe('re A');
      expect(String(await reqs[1]!.recv({ timeout: 5000 }))).toBe('re B');
    } finally {
      await Promise.all([rep, ...reqs].map((s) => s.close()));
    }
  });
});
