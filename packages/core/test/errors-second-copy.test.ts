// Two copies of @nanomsg-ts/core in one application (e.g. two versions
// installed side by side) must still recognise each other's errors. The second
// copy is a copy of packages/core/dist in a temporary folder, imported afresh,
// so its NanomsgError is a different class object.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '@nanomsg-ts/core';
import { NanomsgError, symbol } from '@nanomsg-ts/core';
import { bindAny, thrown } from '@nanomsg-ts/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const copyRoot = mkdtempSync(join(tmpdir(), 'nanomsg-ts-core-copy-'));
let copy: typeof core;

beforeAll(async () => {
  // Make sure this copy has loaded the addon before the second one does.
  symbol('NN_PAIR');
  const pkg = join(copyRoot, 'core');
  // Only the JavaScript, without its source-map comments: the maps point at
  // sources the copy does not have.
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  for (const file of readdirSync(join(here, '..', 'dist'))) {
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(here, '..', 'dist', file), 'utf8');
    writeFileSync(join(pkg, 'dist', file), code.replace(/^\/\/# sourceMappingURL=.*$/m, ''));
  }
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'core-copy', type: 'module' }));
  mkdirSync(join(pkg, 'node_modules', '@nanomsg-ts'), { recursive: true });
  symlinkSync(
    join(here, '..', '..', '..', 'native'),
    join(pkg, 'node_modules', '@nanomsg-ts', 'native'),
    'dir',
  );
  copy = (await import(pathToFileURL(join(pkg, 'dist', 'index.js')).href)) as typeof core;
});

afterAll(() => {
  rmSync(copyRoot, { recursive: true, force: true });
});

describe('NanomsgError across two copies of core', () => {
  it('setup: the second copy really has its own NanomsgError class', () => {
    expect(copy.NanomsgError).toBeTypeOf('function');
    expect(copy.NanomsgError).not.toBe(NanomsgError);
    expect(copy.NanomsgError.prototype).not.toBe(NanomsgError.prototype);
  });

  it('instanceof and isInstance: hold for an error made by the second copy', () => {
    const error = thrown(() => copy.symbol('NN_NOT_A_SYMBOL'));
    expect(Object.getPrototypeOf(error)).toBe(copy.NanomsgError.prototype);
    expect(error instanceof NanomsgError).toBe(true);
    expect(NanomsgError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'EINVAL', errno: symbol('EINVAL') });
  });

  it('instanceof and isInstance: hold the other way round', () => {
    const error = thrown(() => symbol('NN_NOT_A_SYMBOL'));
    expect(Object.getPrototypeOf(error)).toBe(NanomsgError.prototype);
    expect(error instanceof copy.NanomsgError).toBe(true);
    expect(copy.NanomsgError.isInstance(error)).toBe(true);
  });

  it('a socket of the second copy: its bind error is a NanomsgError here, with every field', async () => {
    const a = new copy.Socket('NN_PAIR');
    const b = new copy.Socket('NN_PAIR');
    try {
      const ep = bindAny(a, 'tcp');
      const error = thrown(() => b.bind(ep.address));
      expect(error instanceof NanomsgError).toBe(true);
      expect(NanomsgError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'EADDRINUSE',
        errno: symbol('EADDRINUSE'),
        syscall: 'nn_bind',
        address: ep.address,
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('look-alikes: a plain Error with the same fields is an instance of neither', () => {
    const fake = Object.assign(new Error('x'), {
      code: 'EINVAL',
      errno: symbol('EINVAL'),
      syscall: 'nn_bind',
    });
    expect(fake instanceof NanomsgError).toBe(false);
    expect(fake instanceof copy.NanomsgError).toBe(false);
    expect(copy.NanomsgError.isInstance(fake)).toBe(false);
  });
});
