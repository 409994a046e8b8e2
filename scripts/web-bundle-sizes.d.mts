// Types of scripts/web-bundle-sizes.mjs, for the test that imports it.
import type { SizeRow } from './bundle-sizes.mjs';

/** The socket classes of @nanomsg-ts/web, each with the subprotocol it offers its server. */
export declare const webClasses: Readonly<Record<string, string>>;

/** A page's bundle of `names`: its code and the package modules in it (`dist/...`). */
export declare function bundleWeb(
  names: string[],
  minify?: boolean,
): Promise<{ code: string; inputs: string[] }>;

/** Minified and gzipped sizes of each class alone and of the whole package. */
export declare function measureWeb(): Promise<SizeRow[]>;
