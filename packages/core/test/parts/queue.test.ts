// The FIFO queue of waiting operations and taken messages (src/queue.ts):
// push, shift and remove in constant time, wherever the item stands.
import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/queue.js';

describe('Queue', () => {
  it('is first in, first out; peek does not take', () => {
    const q = new Queue<number>();
    for (const n of [1, 2, 3]) q.push(n);
    expect(q.peek()).toBe(1);
    expect([q.shift(), q.shift(), q.length]).toEqual([1, 2, 1]);
    expect(q.shift()).toBe(3);
    expect(q.shift()).toBeUndefined();
  });

  it('removes an entry wherever it stands, once; entries of another queue are not its own', () => {
    const q = new Queue<string>();
    const other = new Queue<string>();
    const [a, b, c] = ['a', 'b', 'c'].map((x) => q.push(x));
    const foreign = other.push('z');
    expect(q.remove(b!)).toBe(true);
    expect(q.remove(b!)).toBe(false);
    expect(q.remove(foreign)).toBe(false);
    expect(q.takeAll()).toEqual(['a', 'c']);
    // Entries taken out with takeAll left the queue too.
    expect(q.remove(a!)).toBe(false);
    expect(q.remove(c!)).toBe(false);
    expect(q.length).toBe(0);
  });

  it('retain keeps the items that pass, in order', () => {
    const q = new Queue<number>();
    for (let i = 0; i < 10; i++) q.push(i);
    q.retain((n) => n % 3 === 0);
    expect(q.takeAll()).toEqual([0, 3, 6, 9]);
  });

  it('removing one of 100,000 costs the same as one of ten', () => {
    const q = new Queue<number>();
    const entries = Array.from({ length: 100_000 }, (_, i) => q.push(i));
    const start = performance.now();
    for (let i = 0; i < entries.length; i += 2) q.remove(entries[i]!);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(q.length).toBe(50_000);
    expect(q.peek()).toBe(1);
  });
});
