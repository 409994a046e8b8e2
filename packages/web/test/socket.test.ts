// What every web socket shares: argument checks before anything is sent,
// connect's errors, close, and what a connection does on its own.
import { Rep as NodeRep } from '@nanomsg-ts/reqrep';
import { Pull as NodePull } from '@nanomsg-ts/pipeline';
import { codeOf, rejection, sleep, thrown, useTracked, waitFor } from '@nanomsg-ts/testkit';
import { describe, expect, test } from 'vitest';
import { NanomsgError, Pair, Push, Req, Sub, Surveyor } from '../src/index.js';
import { bindWs, connected } from './peers.js';

const track = useTracked();

describe('arguments', () => {
  test('wrong option types and ranges are TypeError and RangeError', () => {
    expect(thrown(() => new Pair({ sendTimeout: '5' as unknown as number }))).toBeInstanceOf(
      TypeError,
    );
    expect(thrown(() => new Pair({ receiveBufferSize: -1 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => new Pair({ reconnectInterval: 1.5 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => new Req({ resendInterval: -5 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => new Surveyor({ deadline: NaN }))).toBeInstanceOf(RangeError);
    expect(thrown(() => new Sub({ subscribe: 'x' as unknown as string[] }))).toBeInstanceOf(
      TypeError,
    );
    expect(() => new Pair({ sendTimeout: -1, receiveMaxSize: -1 })).not.toThrow();
  });

  test('a message that is neither a string nor bytes is a TypeError, and nothing is sent', async () => {
    const pull = track(new NodePull());
    const push = track(new Push());
    push.connect(bindWs(pull));
    await connected(push);
    expect(await rejection(push.send(42 as unknown as string))).toBeInstanceOf(TypeError);
    expect(thrown(() => push.trySend({} as unknown as string))).toBeInstanceOf(TypeError);
    expect(
      await rejection(push.send('x', { timeout: 'soon' as unknown as number })),
    ).toBeInstanceOf(TypeError);
    expect(push.statistics().messagesSent).toBe(0);
  });

  test('connect: EINVAL for a malformed URL, EPROTONOSUPPORT for another scheme, TypeError for a non-string', () => {
    const pair = track(new Pair());
    const bad = thrown(() => pair.connect('not a url'));
    expect(bad).toBeInstanceOf(NanomsgError);
    expect(codeOf(bad)).toBe('EINVAL');
    expect((bad as NanomsgError).address).toBe('not a url');
    expect(codeOf(thrown(() => pair.connect('tcp://127.0.0.1:5555')))).toBe('EPROTONOSUPPORT');
    expect(thrown(() => pair.connect(5555 as unknown as string))).toBeInstanceOf(TypeError);
  });
});

describe('life cycle', () => {
  test('close: pending recv rejects EBADF, later calls too, twice is harmless, iteration ends', async () => {
    const pair = new Pair();
    const pending = rejection(pair.recv());
    const iterated: Uint8Array[] = [];
    const iteration = (async () => {
      for await (const m of pair) iterated.push(m);
    })();
    await pair.close();
    await pair.close();
    expect(pair.closed).toBe(true);
    expect((await pending).code).toBe('EBADF');
    await iteration;
    expect(iterated).toEqual([]);
    expect(codeOf(await rejection(pair.send('x')))).toBe('EBADF');
    expect(codeOf(thrown(() => pair.tryRecv()))).toBe('EBADF');
    expect(codeOf(thrown(() => pair.connect('ws://127.0.0.1:1')))).toBe('EBADF');
  });

  test('await using closes the socket and its connections', async () => {
    const rep = track(new NodeRep());
    const url = bindWs(rep);
    let outer: Req;
    {
      await using req = new Req();
      outer = req;
      req.connect(url);
      await connected(req);
    }
    expect(outer.closed).toBe(true);
    expect(outer.statistics().currentConnections).toBe(0);
    await sleep(200); // nothing dials again
    expect(outer.statistics().establishedConnections).toBe(1);
  });

  test('recv timeout: ETIMEDOUT, and an aborted recv loses no message', async () => {
    const pair = track(new Pair({ receiveTimeout: 20 }));
    expect(codeOf(await rejection(pair.recv()))).toBe('ETIMEDOUT');
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(pair.recv({ signal: controller.signal }))).name).toBe('AbortError');
  });

  test('reconnects with back-off while nothing listens, then connects', async () => {
    const rep = track(new NodeRep());
    const url = bindWs(rep);
    await rep.close();
    const req = track(new Req({ reconnectInterval: 10, reconnectIntervalMax: 80 }));
    req.connect(url);
    await sleep(300);
    const late = track(new NodeRep());
    late.bind(url);
    void late.serve((m) => m).catch(() => {});
    await waitFor(() => req.statistics().currentConnections === 1, 'the connection', 2000);
  });
});
