#!/usr/bin/env node
// Runs the examples one after another, each in its own Node.js process:
// examples/demo.mjs (the generic Socket of core), then one per protocol
// package, then the feature examples (see exampleNames). Stops at the first that fails. Build first (`pnpm demo` does).
//
// Usage: node scripts/run-examples.mjs [name ...]   (names: demo, pair, pubsub, ...)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exampleNames, root } from './packages.mjs';

const examples = exampleNames();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !examples.includes(name));
if (unknown.length > 0) {
  console.error(
    `run-examples: no example named ${unknown.join(', ')} (there are ${examples.join(', ')})`,
  );
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : examples) {
  const file = join('examples', `${name}.mjs`);
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`run-examples: ${file} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}
