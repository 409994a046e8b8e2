// Bundles a page's entry script with esbuild, at test time, into a fresh
// temporary folder (never into the tree): one ES module for the browser.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** A bundled page script on disk. */
export interface Bundle {
  /** The temporary folder that holds it. */
  readonly dir: string;
  /** The file name of the script inside `dir`. */
  readonly script: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** Bundles `entry` (a TypeScript file) and everything it imports for a browser. */
export async function bundle(entry: string): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'nanomsg-ts-page-'));
  const script = 'page.js';
  try {
    await build({
      entryPoints: [entry],
      outfile: join(dir, script),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    // The packages are bundled from their dist folders, as users get them.
    throw new Error(`bundling ${entry} failed (were the packages built? pnpm build)`, {
      cause: error,
    });
  }
  return { dir, script, remove: () => rm(dir, { recursive: true, force: true }) };
}
