// Req.request reads its options once.
import { afterEach, describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, settledWithin, track } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

describe('Req.request options', () => {
  it('reads timeout once: 50 then -1 times out after 50 ms (it waited for ever before)', async () => {
    const rep = sockets.add(new Rep());
    const req = sockets.add(new Req());
    req.connect(bindAny(rep, 'inproc').address);
    let reads = 0;
    const opts = {
      get timeout() {
        return ++reads === 1 ? 50 : -1;
      },
    };
    const result = await settledWithin(req.request('nobody answers', opts), 3000);
    expect(result).toMatchObject({ error: { code: 'ETIMEDOUT' } });
    expect(reads).toBe(1);
  });
});
