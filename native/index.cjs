'use strict';
// Loads the compiled addon. Only "not found" at one location moves on to the
// next; any other failure (a wrong ABI, a missing libnanomsg.so) shows as itself.
const path = require('node:path');

function load() {
  const candidates = [
    process.env.NANOMSG_TS_ADDON,
    path.join(__dirname, 'build', 'Release', 'nanomsg.node'),
    path.join(__dirname, 'build', 'Debug', 'nanomsg.node'),
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
      throw error;
    }
  }
  const error = new Error(
    `@nanomsg-ts/native: the compiled addon was not found (looked in ${candidates.join(', ')}). ` +
      'Build it with `npm rebuild @nanomsg-ts/native` (in this repository: ' +
      '`pnpm --filter @nanomsg-ts/native build`); it needs libnanomsg-dev, pkg-config, cmake and a C++ compiler.',
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
