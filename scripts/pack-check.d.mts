// Types of scripts/pack-check.mjs, for the tests that import it.
import type { WorkspacePackage } from './packages.mjs';

/** The problems of one package's tarball (empty when it holds what a user needs). */
export declare function checkTarball(
  pkg: Pick<WorkspacePackage, 'dir' | 'folder'>,
  files: Map<string, Buffer>,
  versions: Map<string, string>,
): string[];
