#!/usr/bin/env node
// Formats the repository (--write) or checks its formatting (--check):
// prettier for everything it knows, and clang-format for native/src when it
// is installed (it is skipped, with a note, when it is not).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mode = process.argv[2];
if (mode !== '--write' && mode !== '--check') {
  console.error('usage: node scripts/format.mjs --write | --check');
  process.exit(2);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const prettier = createRequire(join(root, 'package.json')).resolve('prettier/bin/prettier.cjs');
let failed = run(process.execPath, [prettier, mode, '.']) !== 0;

const nativeSources = readdirSync(join(root, 'native', 'src'))
  .filter((name) => /\.(cc|h)$/.test(name))
  .map((name) => join('native', 'src', name));
const clangFormat = spawnSync('clang-format', ['--version'], { encoding: 'utf8' });
if (clangFormat.error || clangFormat.status !== 0) {
  console.log('clang-format is not installed: native/src left as it is');
} else if (nativeSources.length > 0) {
  const args = mode === '--write' ? ['-i'] : ['--dry-run', '--Werror'];
  if (run('clang-format', [...args, ...nativeSources]) !== 0) failed = true;
  else
    console.log(
      `clang-format: ${nativeSources.length} files in native/src ${mode === '--write' ? 'formatted' : 'checked'}`,
    );
}
process.exit(failed ? 1 : 0);
