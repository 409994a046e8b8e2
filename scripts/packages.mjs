// The workspace as pnpm sees it (pnpm-workspace.yaml and each package.json):
// the one place the scripts and the repository checks take the list of
// packages from (which are published, which are protocol packages), with
// `pnpm pack` and reading the tarballs it makes (with `tar`). pnpm is the one
// on PATH, as for turbo (package.json's scripts). Not a CLI itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));

let workspace;

/**
 * Every package of the workspace but the root, as `pnpm ls --recursive`
 * lists them (pnpm-workspace.yaml), by folder: `dir` (absolute), `folder`
 * (relative to the root, e.g. `packages/core`), `name`, `version`, `private`
 * and the `manifest` (its package.json).
 */
export function workspacePackages() {
  if (workspace === undefined) {
    const stdout = run('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: root });
    // pnpm may print notices before the JSON document.
    const listed = JSON.parse(stdout.slice(stdout.indexOf('[')));
    workspace = listed
      .filter(({ path }) => path !== root)
      .map(({ path }) => {
        const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
        return {
          dir: path,
          folder: relative(root, path),
          name: manifest.name,
          version: manifest.version,
          private: manifest.private === true,
          manifest,
        };
      })
      .sort((a, b) => a.folder.localeCompare(b.folder));
  }
  return workspace;
}

/**
 * The workspace packages that are published (not private), each after the
 * workspace packages it depends on (native, then core, then the protocol
 * packages), by folder within a level.
 */
export function publicPackages() {
  const packages = workspacePackages().filter((pkg) => !pkg.private);
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const levels = new Map();
  const level = (pkg) => {
    if (!levels.has(pkg.name)) {
      const internal = Object.keys(pkg.manifest.dependencies ?? {}).filter((d) => byName.has(d));
      levels.set(pkg.name, Math.max(-1, ...internal.map((d) => level(byName.get(d)))) + 1);
    }
    return levels.get(pkg.name);
  };
  return [...packages].sort((a, b) => level(a) - level(b) || a.folder.localeCompare(b.folder));
}

/**
 * The protocol packages: the published packages that depend on
 * @nanomsg-ts/core, by folder, each with `short`, its name without the scope
 * (also the name of its folder and of its example, e.g. `pubsub`).
 */
export function protocolPackages() {
  return publicPackages()
    .filter((pkg) => pkg.manifest.dependencies?.['@nanomsg-ts/core'] !== undefined)
    .sort((a, b) => a.folder.localeCompare(b.folder))
    .map((pkg) => ({ ...pkg, short: pkg.name.replace(/^@[^/]+\//, '') }));
}

/**
 * The examples `pnpm demo` runs, in order (examples/<name>.mjs): demo.mjs
 * (core's generic Socket), one per protocol package, named after it, then
 * those that show one feature of a package.
 */
export function exampleNames() {
  return ['demo', ...protocolPackages().map((p) => p.short), 'reqrep-concurrent'];
}

/**
 * The socket classes a protocol package adds, from its build (dist): the
 * functions it exports that are not core's own exports (e.g. `['Pub', 'Sub']`).
 */
export async function socketClasses(pkg) {
  const entry = (p) => pathToFileURL(join(p.dir, p.manifest.main)).href;
  const core = await import(entry(workspacePackages().find((p) => p.name === '@nanomsg-ts/core')));
  const mod = await import(entry(pkg));
  return Object.keys(mod).filter((key) => typeof mod[key] === 'function' && mod[key] !== core[key]);
}

/** Runs a command; throws with its output when it fails. Returns stdout. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal} (in ${options.cwd ?? process.cwd()})\n` +
        `${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return result.stdout;
}

/**
 * `pnpm pack` of the package in `dir` into `destination`: pnpm replaces
 * `workspace:` ranges with real versions there, as `pnpm publish` does.
 * Returns the tarball's path.
 */
export function pack(dir, destination) {
  const stdout = run('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: dir });
  // pnpm may print notices before the JSON document.
  const json = JSON.parse(stdout.slice(stdout.indexOf('{')));
  return json.filename;
}

/**
 * The files of a .tgz made by `pnpm pack`, by path inside the package
 * (without the leading `package/`), sorted: extracted with `tar` into a
 * temporary folder.
 */
export function readTarball(file) {
  const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-tarball-'));
  try {
    run('tar', ['-xzf', file, '-C', dir, '--strip-components=1']);
    const paths = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    return new Map(
      paths
        .filter((path) => statSync(join(dir, path)).isFile())
        .map((path) => [path, readFileSync(join(dir, path))]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
