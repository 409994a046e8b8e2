#!/usr/bin/env node
// Runs `vitest run` with the arguments given. When NANOMSG_TS_TEST_REPORT names
// a file, vitest also writes its JSON report there (the terminal output stays
// as usual): this is how .ci/run gets the counts from the plain `pnpm test`,
// whose own options (pnpm's --reporter) would swallow vitest's.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const vitestDir = dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json'));
const args = ['run'];
const report = process.env.NANOMSG_TS_TEST_REPORT;
if (report) {
  args.push('--reporter=default', '--reporter=json', `--outputFile=${resolve(report)}`);
}
args.push(...process.argv.slice(2));

const result = spawnSync(process.execPath, [join(vitestDir, 'vitest.mjs'), ...args], {
  cwd: root,
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
