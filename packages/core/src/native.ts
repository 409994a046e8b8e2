// Loads the compiled addon on first use (never at import, so a bundle that
// makes no socket does not pull it in) and checks the library's ABI.
import { createRequire } from 'node:module';
import type * as Native from '@nanomsg-ts/native';
import { NanomsgError } from './errors.js';

export type NativeAddon = typeof Native;
export type NativeSocket = Native.Socket;

let addon: NativeAddon | undefined;

/**
 * Whether a library of ABI `runtime` can stand in for the `compiled` one
 * (libtool rules: it implements interfaces current-age ... current).
 * @internal
 */
export function abiCompatible(compiled: readonly number[], runtime: readonly number[]): boolean {
  const [current = 0, , age = 0] = runtime;
  const wanted = compiled[0] ?? 0;
  return current - age <= wanted && wanted <= current;
}

/** @internal */
export function loadNative(): NativeAddon {
  if (addon !== undefined) return addon;
  const require = createRequire(import.meta.url);
  const loaded = require('@nanomsg-ts/native') as NativeAddon;
  const { compiled, runtime } = loaded.versions();
  if (runtime === null) {
    throw new Error(
      `nanomsg-ts: the loaded libnanomsg does not report NN_VERSION_* (the addon was built against ABI ${compiled.join('.')})`,
    );
  }
  if (!abiCompatible(compiled, runtime)) {
    throw new Error(
      `nanomsg-ts: the loaded libnanomsg has ABI ${runtime.join('.')} (current.revision.age), ` +
        `which does not cover ABI ${compiled.join('.')} that the addon was built against; rebuild @nanomsg-ts/native`,
    );
  }
  loaded.setErrorClass(NanomsgError);
  addon = loaded;
  return loaded;
}
