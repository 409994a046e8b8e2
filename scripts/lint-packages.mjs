#!/usr/bin/env node
// Lints every published package as it would be published: packs each with
// `pnpm pack`, then runs publint (every message counts, suggestions included)
// and @arethetypeswrong/cli on the tarball. The ES module packages are checked
// with attw's `esm-only` profile (they are ESM-only; CommonJS loads them with
// Node.js 20.19+'s require(esm)); @nanomsg-ts/native is CommonJS and gets the
// full (`strict`) profile. Exits 1 on any problem. Build first (`pnpm build`).
//
// Usage: node scripts/lint-packages.mjs [package name ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pack, publicPackages, root } from './packages.mjs';

const requireFromRoot = createRequire(join(root, 'package.json'));
const { publint } = await import(requireFromRoot.resolve('publint'));
const { formatMessage } = await import(requireFromRoot.resolve('publint/utils'));
const attwBin = join(
  dirname(requireFromRoot.resolve('@arethetypeswrong/cli/package.json')),
  'dist',
  'index.js',
);

/**
 * attw rules deliberately not applied, with the reason (printed on every run).
 * Keep this empty unless a finding cannot be fixed in package.json.
 */
const ATTW_EXCEPTIONS = {};

const only = process.argv.slice(2);
const packages = publicPackages().filter((pkg) => only.length === 0 || only.includes(pkg.name));
const destination = mkdtempSync(join(tmpdir(), 'nanomsg-ts-lint-'));
let problems = 0;
try {
  for (const pkg of packages) {
    const tarball = pack(pkg.dir, destination);
    const bytes = readFileSync(tarball);

    // publint, on the same tarball.
    const result = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    for (const message of result.messages) {
      problems++;
      console.error(
        `publint: ${pkg.name}: [${message.type}] ${formatMessage(message, result.pkg) ?? message.code}`,
      );
    }
    if (result.messages.length === 0) console.log(`publint: ${pkg.name}: no problem`);

    // attw, on the tarball.
    const esm = pkg.manifest.type === 'module' && !pkg.manifest.main?.endsWith('.cjs');
    const args = [attwBin, tarball, '--format', 'ascii', '--no-emoji', '--no-color'];
    if (esm) args.push('--profile', 'esm-only');
    const exception = ATTW_EXCEPTIONS[pkg.name];
    if (exception) {
      args.push('--ignore-rules', ...exception.rules);
      console.log(
        `attw: ${pkg.name}: not applying ${exception.rules.join(', ')}: ${exception.reason}`,
      );
    }
    const attw = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root });
    if (attw.error) throw attw.error;
    if (attw.status !== 0) {
      problems++;
      console.error(
        `attw: ${pkg.name} (profile ${esm ? 'esm-only' : 'strict'}):\n${attw.stdout}${attw.stderr}`,
      );
    } else {
      console.log(`attw: ${pkg.name}: no problem (profile ${esm ? 'esm-only' : 'strict'})`);
    }
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}
if (problems > 0) {
  console.error(`lint:packages: ${problems} problems`);
  process.exit(1);
}
console.log(`lint:packages: ${packages.length} packages, no problem`);
