// Types of scripts/packages.mjs, for the tests that import it.

/** The repository's root folder. */
export declare const root: string;

/** A published workspace package. */
export interface WorkspacePackage {
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the root, e.g. `packages/core`. */
  folder: string;
  name: string;
  version: string;
  manifest: Record<string, any>;
}

export declare function publicPackages(): WorkspacePackage[];
export declare function pnpmCommand(): { command: string; prefix: string[] };
export declare function run(
  command: string,
  args: string[],
  options?: import('node:child_process').SpawnSyncOptions,
): string;
export declare function pack(dir: string, destination: string): string;
export declare function readTarball(file: string): Map<string, Buffer>;
