// The next-turn scheduler (src/turns.ts): immediate completions settle at
// once, except every RUN-th in a row and those after it until the next turn.
import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/turns.js';

const RUN = 1024;

/** Settles `n` values through `turns`; returns the indices settled after a turn came. */
async function lateOnes(turns: Turns, n: number): Promise<number[]> {
  let turned = false;
  const timer = setImmediate(() => (turned = true));
  const late: number[] = [];
  for (let i = 0; i < n; i++) {
    expect(await turns.now(i)).toBe(i);
    if (turned) late.push(i);
  }
  clearImmediate(timer);
  return late;
}

describe('Turns', () => {
  it('settles RUN - 1 in a row at once, then the RUN-th after a turn', async () => {
    const late = await lateOnes(new Turns(), RUN);
    expect(late).toEqual([RUN - 1]);
  });

  it('holds every settlement after the RUN-th until that turn, in order', async () => {
    const turns = new Turns();
    for (let i = 0; i < RUN - 1; i++) await turns.now(i);
    const order: number[] = [];
    const held = [turns.now('a'), turns.now('b'), turns.now('c')].map((p) =>
      p.then((v) => order.push(v as unknown as number)),
    );
    await Promise.resolve();
    expect(order).toEqual([]);
    await Promise.all(held);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('starts a new run on reset: the event loop had a turn', async () => {
    const turns = new Turns();
    expect(await lateOnes(turns, RUN - 10)).toEqual([]);
    turns.reset();
    expect(await lateOnes(turns, RUN - 10)).toEqual([]);
  });

  it("counts per instance: one socket's run does not shorten another's", async () => {
    const one = new Turns();
    const two = new Turns();
    expect(await lateOnes(one, RUN - 10)).toEqual([]);
    expect(await lateOnes(two, RUN - 10)).toEqual([]);
  });

  it('resolves undefined with a shared settled promise (no allocation per send)', () => {
    const turns = new Turns();
    expect(turns.now(undefined)).toBe(turns.now(undefined));
  });
});
