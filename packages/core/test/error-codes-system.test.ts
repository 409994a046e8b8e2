// Regression test for a native bug, fixed in 431c2ee: an errno outside
// nanomsg's own error table got the made-up code 'ERRNO_<n>' instead of its
// symbolic name (binding ipc:// in a missing folder said 'ERRNO_2', not
// 'ENOENT'). API.md: `code` is "the symbolic name".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NanomsgError } from '@nanomsg-ts/core';
import { runDir, thrown, useSockets } from '@nanomsg-ts/testkit';

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
