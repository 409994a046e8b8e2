'use strict';
// Before packing (npm's prepack): builds the addon to ship in the tarball
// for linux-x64 with glibc, in a clean folder of its own, and strips it. It
// needs glibc 2.34, libstdc++ of GCC 12 (GLIBCXX_3.4.30) and libnanomsg.so.5
// (Debian 12, Ubuntu 22.04 and later). Linking libstdc++ in would need glibc
// 2.36 (arc4random). Elsewhere it does nothing: the tarball then ships
// sources only, compiled on install.
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const path = require('node:path');
const { platformTag, prebuildFile } = require('../prebuild.cjs');

const root = path.dirname(__dirname);
const tag = 'linux-x64-glibc';
const target = prebuildFile(tag);
rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
if (platformTag() !== tag) {
  console.log(`@nanomsg-ts/native: no prebuild made on ${platformTag()} (only ${tag} is shipped)`);
  process.exit(0);
}
const out = path.join('build', 'prebuild');
rmSync(path.join(root, out), { recursive: true, force: true });
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status);
};
run(process.execPath, [
  require.resolve('cmake-js/bin/cmake-js'),
  'compile',
  '--log-level',
  'warn',
  '--out',
  out,
]);
mkdirSync(path.dirname(target), { recursive: true });
copyFileSync(path.join(root, out, 'Release', 'nanomsg.node'), target);
run('strip', ['--strip-unneeded', target]);
console.log(`@nanomsg-ts/native: prebuilt ${path.relative(root, target)}`);
