// One exchange at a time on a cooked Rep, also when the request is already
// waiting and the receive completes at once.
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, connections, sleep, track } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

describe('a cooked Rep with requests already waiting', () => {
  it('refuses a second recv in the same tick with EFSM: the first caller has not got its request yet', async () => {
    const rep = sockets.add(new Rep());
    const reqA = sockets.add(new Req());
    const reqB = sockets.add(new Req());
    const addr = bindAny(rep, 'inproc').address;
    reqA.connect(addr);
    reqB.connect(addr);
    await connections(rep, 2);
    await reqA.send('A');
    await reqB.send('B');
    // Both requests wait in the library; nothing is pending on the Rep.
    await sleep(50);
    const first = rep.recv({ timeout: 5000 });
    const second = rep.recv({ timeout: 5000 });
    let tried: unknown;
    try {
      tried = rep.tryRecv();
    } catch (error) {
      tried = error;
    }
    const step = rep[Symbol.asyncIterator]().next();
    expect(await second.then(String, (error: unknown) => error)).toMatchObject({
      code: 'EFSM',
      syscall: 'nn_recv',
    });
    expect(tried).toMatchObject({ code: 'EFSM', syscall: 'nn_recv' });
    expect(await step.then(String, (error: unknown) => error)).toMatchObject({ code: 'EFSM' });
    const request = String(await first);
    await rep.send(`reply to ${request}`);
    // Once the first caller has its request, receiving the next one is allowed.
    const other = String(await rep.recv({ timeout: 5000 }));
    expect(other).toBe(request === 'A' ? 'B' : 'A');
    await rep.send(`reply to ${other}`);
    expect(String(await reqA.recv({ timeout: 5000 }))).toBe('reply to A');
    expect(String(await reqB.recv({ timeout: 5000 }))).toBe('reply to B');
  });

  it('still takes one request after another when each caller awaits its own', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'inproc').address);
    await connections(rep, 1);
    for (const word of ['one', 'two', 'three']) {
      const reply = req.request(word, { timeout: 5000 });
      expect(String(await rep.recv({ timeout: 5000 }))).toBe(word);
      await rep.send(`re ${word}`);
      expect(String(await reply)).toBe(`re ${word}`);
    }
  });
});
