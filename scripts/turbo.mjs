#!/usr/bin/env node
// Runs the workspace's turbo with what it needs here: telemetry and the update
// notice off, and `pnpm` on PATH (turbo runs each package's script with it).
// Usage: node scripts/turbo.mjs run build [turbo options]
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
};

function onPath(command) {
  const names = process.platform === 'win32' ? [`${command}.cmd`, `${command}.exe`] : [command];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        // not in this folder
      }
    }
  }
  return false;
}

if (!onPath('pnpm')) {
  // Started through a pnpm that is not on PATH (npx pnpm, a local copy):
  // give turbo a `pnpm` that runs that same pnpm.
  const pnpmJs = env.npm_execpath;
  if (process.platform !== 'win32' && pnpmJs && /pnpm/.test(pnpmJs)) {
    const bin = join(root, 'node_modules', '.cache', 'nanomsg-ts', 'bin');
    mkdirSync(bin, { recursive: true });
    const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
    const runner = /\.[cm]?js$/.test(pnpmJs)
      ? `exec ${quote(process.execPath)} ${quote(pnpmJs)} "$@"`
      : `exec ${quote(pnpmJs)} "$@"`;
    writeFileSync(join(bin, 'pnpm'), `#!/bin/sh\n${runner}\n`);
    chmodSync(join(bin, 'pnpm'), 0o755);
    env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
  } else {
    console.error(
      'turbo needs pnpm on PATH: install it with `npm i -g pnpm@12.4.2` (the version in package.json).',
    );
    process.exit(1);
  }
}

const turbo = createRequire(join(root, 'package.json')).resolve('turbo/bin/turbo');
const result = spawnSync(process.execPath, [turbo, ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
