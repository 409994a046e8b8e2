// BUG (native): an errno that is not in nanomsg's own error table gets the
// made-up code 'ERRNO_<n>' instead of its symbolic name. Binding ipc:// in a
// folder that does not exist fails with ENOENT from the system, and the
// NanomsgError says code 'ERRNO_2'. API.md: `code` is "the symbolic name".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NanomsgError } from '@nanomsg-ts/core';
import { runDir, thrown, useSockets } from './helpers.js';

const open = useSockets();

describe('NanomsgError code for a system errno outside the nanomsg table', () => {
  it('bind ipc:// in a missing folder: code ENOENT, with its errno and the address', () => {
    const where = `ipc://${join(runDir, 'no-such-folder', 'x.ipc')}`;
    const error = thrown(() => open('NN_PAIR').bind(where)) as NanomsgError;
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error.syscall).toBe('nn_bind');
    expect(error.address).toBe(where);
    expect(error.code).toBe('ENOENT');
  });
});
