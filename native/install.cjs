'use strict';
// The install step: use the prebuilt addon when one ships for this machine
// and loads here (it needs only the runtime library, libnanomsg.so.5);
// otherwise compile from source with cmake-js, which needs libnanomsg's
// headers, pkg-config, CMake and a C++ compiler, and says what to install
// when they are missing.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { prebuildFile } = require('./prebuild.cjs');

const file = prebuildFile();
if (existsSync(file)) {
  // In a child process: a prebuild that cannot be loaded must not take the
  // install down with it.
  const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], {
    encoding: 'utf8',
  });
  if (check.status === 0) {
    console.log(`@nanomsg-ts/native: using the prebuilt addon ${path.relative(__dirname, file)}`);
    process.exit(0);
  }
  const reason = (check.stderr || '').split('\n').find((line) => /Error/.test(line)) || '';
  console.log(
    `@nanomsg-ts/native: the prebuilt addon does not load here (${reason.trim()}); compiling from source`,
  );
}
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn'], {
  cwd: __dirname,
  stdio: 'inherit',
});
process.exit(result.status === null ? 1 : result.status);
