// publint and @arethetypeswrong/cli on every published package, as packed by
// `pnpm pack` (scripts/lint-packages.mjs, also `pnpm lint:packages`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { publicPackages, root } from '../scripts/packages.mjs';

it('finds no publint or attw problem in any package', () => {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'lint-packages.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (result.error) throw result.error;
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.status, output).toBe(0);
  for (const { name, manifest } of publicPackages()) {
    expect(output).toContain(`publint: ${name}: no problem`);
    const profile =
      manifest.type === 'module' && !String(manifest.main).endsWith('.cjs') ? 'esm-only' : 'strict';
    expect(output).toContain(`attw: ${name}: no problem (profile ${profile})`);
  }
  expect(output).toContain(`lint:packages: ${publicPackages().length} packages, no problem`);
}, 180_000);
