'use strict';
// Loads the compiled addon. Only "not found" at one location moves on to the
// next; any other failure (a wrong ABI, a missing libnanomsg.so) shows as itself.
const path = require('node:path');

const candidates = [
  process.env.NANOMSG_TS_ADDON,
  path.join(__dirname, 'build', 'Release', 'nanomsg.node'),
  path.join(__dirname, 'build', 'Debug', 'nanomsg.node'),
].filter(Boolean);

let lastError;
for (const file of candidates) {
  try {
    module.exports = require(file);
    return;
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
    'Build it with `pnpm --filter @nanomsg-ts/native build` (needs libnanomsg-dev, pkg-config, cmake).',
);
error.code = 'MODULE_NOT_FOUND';
error.cause = lastError;
throw error;
