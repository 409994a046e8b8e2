// A socket's life as its parts see it (src/lifecycle.ts): after terminate()
// every use fails with ETERM, after close() with EBADF; ETERM comes first.
import { describe, expect, it } from 'vitest';
import { badf, checkUsable, eterm } from '../../src/lifecycle.js';

describe('checkUsable', () => {
  it('passes an open socket, fails a closed one with EBADF and a terminated one with ETERM first', () => {
    expect(() => checkUsable({ closed: false, terminated: false }, 'nn_send')).not.toThrow();
    expect(() => checkUsable({ closed: true, terminated: false }, 'nn_send')).toThrow(
      expect.objectContaining({ code: 'EBADF', syscall: 'nn_send' }),
    );
    expect(() => checkUsable({ closed: true, terminated: true }, 'nn_recv')).toThrow(
      expect.objectContaining({ code: 'ETERM', syscall: 'nn_recv' }),
    );
  });

  it('the errors say why', () => {
    expect(badf('nn_recv').message).toContain('socket closed');
    expect(eterm('nn_recv').message).toContain('terminate() was called');
  });
});
