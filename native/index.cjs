'use strict';
// Loads the addon: one built here (on install when no prebuilt addon fits,
// or in this repository), else the prebuilt one for this machine. Only "not
// found" at one location moves on to the next; any other failure (a wrong
// ABI) shows as itself, and a libnanomsg that cannot be loaded says what to
// install.
const path = require('node:path');
const { prebuildFile } = require('./prebuild.cjs');

const missingLibrary =
  'libnanomsg (the nanomsg C library, 1.x: libnanomsg.so.5) could not be loaded. Install it ' +
  "with your system's package manager: Debian/Ubuntu `sudo apt-get install libnanomsg5`, " +
  'Fedora `sudo dnf install nanomsg`, Alpine `sudo apk add nanomsg`, macOS `brew install nanomsg`; ' +
  'a library installed elsewhere: add its folder to LD_LIBRARY_PATH, or rebuild with ' +
  'NANOMSG_PREFIX set (`npm rebuild @nanomsg-ts/native`).';

function load() {
  const candidates = [
    process.env.NANOMSG_TS_ADDON,
    path.join(__dirname, 'build', 'Release', 'nanomsg.node'),
    path.join(__dirname, 'build', 'Debug', 'nanomsg.node'),
    prebuildFile(),
  ].filter(Boolean);
  let lastError;
  for (const file of candidates) {
    try {
      return require(file);
    } catch (error) {
      if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(file)) {
        lastError = error;
        continue;
      }
      if (error && /libnanomsg\.so/.test(String(error.message))) {
        const clear = new Error(`@nanomsg-ts/native: ${missingLibrary} (loading ${file})`);
        clear.code = 'ERR_NANOMSG_LIBRARY';
        clear.cause = error;
        throw clear;
      }
      throw error;
    }
  }
  const error = new Error(
    `@nanomsg-ts/native: no addon was found (looked in ${candidates.join(', ')}): none is ` +
      'prebuilt for this machine and none was compiled. Build it with ' +
      '`npm rebuild @nanomsg-ts/native` (in this repository: `pnpm --filter @nanomsg-ts/native build`); ' +
      'it needs libnanomsg-dev, pkg-config, cmake and a C++ compiler.',
  );
  error.code = 'MODULE_NOT_FOUND';
  error.cause = lastError;
  throw error;
}

const addon = load();
// Named one by one so that ES modules can import them by name too.
exports.Socket = addon.Socket;
exports.events = addon.events;
exports.symbols = addon.symbols;
exports.versions = addon.versions;
exports.compiledFeatures = addon.compiledFeatures;
exports.strerror = addon.strerror;
exports.setErrorClass = addon.setErrorClass;
exports.device = addon.device;
exports.terminate = addon.terminate;
// Hooks for tests and benchmarks only; core never uses them.
exports.testing = addon.testing;
