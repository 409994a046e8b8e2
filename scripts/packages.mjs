// Shared by the packaging scripts (pack-check, lint-packages) and their tests:
// the workspace's published packages, `pnpm pack`, and a small reader for the
// tarballs it makes. Not a CLI itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The workspace packages that are published (every `native/` and
 * `packages/*` package that is not private), native first, then core, then
 * the protocol packages by folder name.
 */
export function publicPackages() {
  const dirs = [
    join(root, 'native'),
    ...readdirSync(join(root, 'packages'))
      .sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)))
      .map((name) => join(root, 'packages', name)),
  ];
  const packages = [];
  for (const dir of dirs) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private) continue;
    packages.push({
      dir,
      folder: relative(root, dir),
      name: manifest.name,
      version: manifest.version,
      manifest,
    });
  }
  return packages;
}

/**
 * How to start pnpm: the one that runs this script (`npm_execpath`, as
 * scripts/turbo.mjs does), else `pnpm` from PATH.
 */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) {
    return /\.[cm]?js$/.test(execPath)
      ? { command: process.execPath, prefix: [execPath] }
      : { command: execPath, prefix: [] };
  }
  return { command: 'pnpm', prefix: [] };
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
  const { command, prefix } = pnpmCommand();
  const stdout = run(command, [...prefix, 'pack', '--json', '--pack-destination', destination], {
    cwd: dir,
  });
  // pnpm may print notices before the JSON document.
  const json = JSON.parse(stdout.slice(stdout.indexOf('{')));
  return json.filename;
}

/**
 * The files of a .tgz made by `npm pack`/`pnpm pack`, by path inside the
 * package (without the leading `package/`).
 */
export function readTarball(file) {
  const data = gunzipSync(readFileSync(file));
  const files = new Map();
  const text = (start, length) => {
    const bytes = data.subarray(start, start + length);
    const end = bytes.indexOf(0);
    return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
  };
  let offset = 0;
  let longName;
  while (offset + 512 <= data.length) {
    if (data.subarray(offset, offset + 512).every((byte) => byte === 0)) break;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1) || '0';
    const prefix = text(offset + 345, 155);
    let name = prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100);
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      // pax extended header: a `path` record names the next entry.
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (match) longName = match[1];
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type !== '0' && type !== '\0') continue; // directories, links
    files.set(name.replace(/^[^/]+\//, ''), Buffer.from(body));
  }
  return files;
}
