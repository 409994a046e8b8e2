// Types of scripts/packages.mjs, for the tests that import it.

/** The repository's root folder. */
export declare const root: string;

/** A workspace package. */
export interface WorkspacePackage {
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the root, e.g. `packages/core`. */
  folder: string;
  name: string;
  version: string;
  private: boolean;
  manifest: Record<string, any>;
}

/** A protocol package. */
export interface ProtocolPackage extends WorkspacePackage {
  /** Its name without the scope, also its folder's and its example's, e.g. `pubsub`. */
  short: string;
}

/** Every package of the workspace but the root, by folder. */
export declare function workspacePackages(): WorkspacePackage[];
/** The published packages, each after those it depends on (native, core, protocol packages). */
export declare function publicPackages(): WorkspacePackage[];
/** The published packages that depend on @nanomsg-ts/core, by folder. */
export declare function protocolPackages(): ProtocolPackage[];
/** The examples `pnpm demo` runs, in order: demo, one per protocol package, then feature examples. */
export declare function exampleNames(): string[];
/** The socket classes a protocol package adds (its build's exports that are not core's). */
export declare function socketClasses(pkg: WorkspacePackage): Promise<string[]>;
export declare function run(
  command: string,
  args: string[],
  options?: import('node:child_process').SpawnSyncOptions,
): string;
export declare function pack(dir: string, destination: string): string;
export declare function readTarball(file: string): Map<string, Buffer>;
