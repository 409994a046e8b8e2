import { describe, expect, it } from 'vitest';
import { Socket } from '@nanomsg-ts/core';

describe('self reference', () => {
  it('resolves', () => {
    const s = new Socket('NN_PAIR');
    expect(s.id).toBeGreaterThanOrEqual(0);
    void s.close();
  });
});
