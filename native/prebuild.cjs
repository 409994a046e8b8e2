'use strict';
// Where the prebuilt addon for this machine would be, shared by the loader
// (index.cjs), the install step (install.cjs) and the pack step
// (scripts/prebuild.cjs). One Node-API binary serves every Node.js version.
// Only linux-x64 with glibc is shipped; elsewhere the addon is compiled.
const path = require('node:path');

/** `linux-x64-glibc`, `linux-x64-musl`, `darwin-arm64`... */
function platformTag() {
  let tag = `${process.platform}-${process.arch}`;
  if (process.platform === 'linux') {
    const report = process.report && process.report.getReport();
    tag += report && report.header && report.header.glibcVersionRuntime ? '-glibc' : '-musl';
  }
  return tag;
}

function prebuildFile(tag = platformTag()) {
  return path.join(__dirname, 'prebuilds', tag, 'nanomsg.node');
}

module.exports = { platformTag, prebuildFile };
