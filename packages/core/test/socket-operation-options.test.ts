// The options of one send or recv ({ timeout, signal }) are read once, checked,
// and what was checked is what is used: a getter that answers differently on
// a second read cannot slip an unchecked value past the checks.
import { describe, expect, it } from 'vitest';
import { checkOperationOptions } from '@nanomsg-ts/core';
import { bindAny, connectedPair, outcome, sleep, useSockets } from '@nanomsg-ts/testkit';

const open = useSockets();

/** Options whose `key` reads `first` once, then `later` on every other read; `reads()` counts the reads. */
function changing(
  key: 'timeout' | 'signal',
  first: unknown,
  later: unknown,
): { opts: { timeout?: number; signal?: AbortSignal }; reads(): number } {
  let reads = 0;
  const opts = Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      reads++;
      return reads === 1 ? first : later;
    },
  });
  return { opts, reads: () => reads };
}

/** The outcome of `promise`, or 'pending' after `ms`: a wait that never ends fails the test instead of hanging it. */
async function within<T>(promise: Promise<T>, ms: number) {
  return Promise.race([outcome(promise), sleep(ms).then(() => 'pending' as const)]);
}

describe('operation options are read once', () => {
  it('recv: a timeout read as 50 then as NaN times out after 50 ms (it waited for ever before)', async () => {
    const { bound } = connectedPair(open, 'inproc');
    const result = await within(bound.recv(changing('timeout', 50, Number.NaN).opts), 3000);
    expect(result).toMatchObject({ error: { code: 'ETIMEDOUT' } });
  });

  it('send: a timeout read as 50 then as -2 times out after 50 ms (it waited for ever before)', async () => {
    const push = open('NN_PUSH');
    bindAny(push, 'inproc');
    const result = await within(push.send('nobody', changing('timeout', 50, -2).opts), 3000);
    expect(result).toMatchObject({ error: { code: 'ETIMEDOUT' } });
  });

  it('send: a signal read as a non-signal then as a real one is a TypeError, and nothing is queued', async () => {
    const push = open('NN_PUSH');
    const where = bindAny(push, 'inproc').address;
    const error = (await outcome(
      push.send(
        Buffer.from('must not go'),
        changing('signal', {}, new AbortController().signal).opts,
      ),
    )) as { error: unknown };
    expect(error.error).toBeInstanceOf(TypeError);
    expect(String(error.error)).toContain('signal must be an AbortSignal');
    // Before, the message had been copied and queued before the bad signal was
    // used: it went out once a peer came.
    const pull = open('NN_PULL');
    pull.connect(where);
    await push.send('first', { timeout: 5000 });
    expect(String(await pull.recv({ timeout: 5000 }))).toBe('first');
  });

  it('checkOperationOptions returns what it checked, each field read once', () => {
    const { opts, reads } = changing('timeout', 20, Number.NaN);
    const checked: unknown = checkOperationOptions(opts);
    expect(checked).toEqual({ timeout: 20, signal: undefined });
    expect(reads()).toBe(1);
    expect(checkOperationOptions(undefined)).toEqual({ timeout: undefined, signal: undefined });
  });

  it('timeouts are integers, as sendTimeout, receiveTimeout and poll take them', async () => {
    const { bound } = connectedPair(open, 'inproc');
    await expect(bound.recv({ timeout: 1.5 })).rejects.toThrow(RangeError);
    await expect(bound.send('x', { timeout: 0.5 })).rejects.toThrow(RangeError);
  });
});
