#!/usr/bin/env node
// Packs every published package with `pnpm pack` and checks each tarball holds
// what a user needs and nothing else:
//   - TypeScript packages: dist/**/*.js and dist/**/*.d.ts (one per src/*.ts,
//     nothing stale), README.md, LICENSE, package.json;
//   - @nanomsg-ts/native: index.cjs, index.d.cts, prebuild.cjs, install.cjs
//     (the install script: the prebuilt addon, else cmake-js), the prebuilt
//     addon for linux-x64 with glibc when packed there, the C++ sources
//     CMakeLists.txt lists, the CMake files, README.md, LICENSE, package.json;
//   - every file the manifest points at (main, types, exports) is there,
//     LICENSE is the repository's, and no `workspace:` range is left.
// Prints a table of the tarballs (files, packed and unpacked bytes); exits 1 on
// any problem. Build first (`pnpm build`).
//
// Usage: node scripts/pack-check.mjs [--out DIR] [--json] [package name ...]
//   --out DIR  keep the tarballs in DIR (default: a temporary folder, removed)
//   --json     print the results as JSON on stdout (the table goes to stderr)
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack, publicPackages, readTarball, root } from './packages.mjs';

const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];

/** The checks for one package; returns the list of problems found. */
export function checkTarball(pkg, files, versions) {
  const problems = [];
  const isNative = pkg.folder === 'native';
  const allowed = isNative
    ? [
        /^package\.json$/,
        /^README\.md$/,
        /^LICENSE$/,
        /^index\.cjs$/,
        /^index\.d\.cts$/,
        /^install\.cjs$/,
        /^prebuild\.cjs$/,
        /^prebuilds\/linux-x64-glibc\/nanomsg\.node$/,
        /^CMakeLists\.txt$/,
        /^cmake\/[^/]+\.cmake$/,
        /^src\/[^/]+\.(cc|h)$/,
      ]
    : [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/.+\.js$/, /^dist\/.+\.d\.ts$/];
  for (const path of files.keys()) {
    if (!allowed.some((pattern) => pattern.test(path)))
      problems.push(`ships ${path}, which a user does not need`);
  }
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!files.has(required)) problems.push(`has no ${required}`);
  }
  const license = readFileSync(join(root, 'LICENSE'));
  if (files.has('LICENSE') && !files.get('LICENSE').equals(license)) {
    problems.push('its LICENSE differs from the repository LICENSE');
  }
  if (!files.has('package.json')) return problems;

  const manifest = JSON.parse(files.get('package.json').toString('utf8'));
  // Every file the manifest points at.
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.main);
  collect(manifest.types);
  collect(manifest.exports);
  for (const target of targets) {
    const path = target.replace(/^\.\//, '');
    if (!files.has(path))
      problems.push(`package.json points at ${target}, which is not in the tarball`);
  }
  // Dependencies: real versions only, internal ones at the current version.
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:'))
        problems.push(`${field}.${name} is still ${range}`);
      else if (versions.has(name) && range !== `^${versions.get(name)}`) {
        problems.push(`${field}.${name} is ${range}, not ^${versions.get(name)}`);
      }
    }
  }
  if (manifest.name.startsWith('@') && manifest.publishConfig?.access !== 'public') {
    problems.push('a scoped package needs publishConfig.access "public"');
  }

  if (isNative) {
    const cmakeLists = files.get('CMakeLists.txt')?.toString('utf8') ?? '';
    for (const [source] of cmakeLists.matchAll(/\bsrc\/[\w.-]+\.cc\b/g)) {
      if (!files.has(source))
        problems.push(`CMakeLists.txt compiles ${source}, which is not in the tarball`);
    }
    for (const [, module] of cmakeLists.matchAll(/\/(cmake\/[\w.-]+\.cmake)\b/g)) {
      if (!files.has(module))
        problems.push(`CMakeLists.txt includes ${module}, which is not in the tarball`);
    }
    const install = files.get('install.cjs')?.toString('utf8') ?? '';
    if (manifest.scripts?.install !== 'node install.cjs' || !/'compile'/.test(install)) {
      problems.push(
        'has no install script (node install.cjs) that falls back to `cmake-js compile`',
      );
    }
    if (process.platform === 'linux' && process.arch === 'x64') {
      if (!files.has('prebuilds/linux-x64-glibc/nanomsg.node'))
        problems.push('has no prebuilt addon for linux-x64 (packed on linux-x64)');
    }
    for (const dependency of ['cmake-js', 'node-addon-api', 'node-api-headers']) {
      if (!manifest.dependencies?.[dependency]) problems.push(`does not depend on ${dependency}`);
    }
    if (!manifest.binary?.napi_versions?.length) {
      problems.push('has no binary.napi_versions (cmake-js would download Node.js headers)');
    }
  } else {
    // dist holds exactly the compiled src: one .js and one .d.ts per .ts.
    const sources = new Set();
    const walk = (dir, prefix) => {
      for (const entry of readdirSyncSafe(dir)) {
        const full = join(dir, entry);
        if (statSync(full).isDirectory()) walk(full, `${prefix}${entry}/`);
        else if (/\.ts$/.test(entry) && !/\.d\.ts$/.test(entry))
          sources.add(`${prefix}${entry.slice(0, -3)}`);
      }
    };
    walk(join(pkg.dir, 'src'), '');
    const compiled = new Set();
    for (const path of files.keys()) {
      const match = /^dist\/(.+)\.js$/.exec(path);
      if (!match) continue;
      compiled.add(match[1]);
      if (!sources.has(match[1]))
        problems.push(`${path} has no source src/${match[1]}.ts (stale build output?)`);
      if (!files.has(`dist/${match[1]}.d.ts`))
        problems.push(`${path} has no dist/${match[1]}.d.ts`);
    }
    for (const source of sources) {
      if (!compiled.has(source))
        problems.push(`src/${source}.ts is not compiled into dist (build first)`);
    }
  }
  return problems;
}

function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function formatBytes(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function main(argv) {
  let out;
  let json = false;
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--json') json = true;
    else only.push(argv[i]);
  }
  const all = publicPackages();
  const versions = new Map(all.map((pkg) => [pkg.name, pkg.version]));
  const selected = only.length ? all.filter((pkg) => only.includes(pkg.name)) : all;
  const unknown = only.filter((name) => !versions.has(name));
  if (unknown.length) {
    console.error(`pack-check: no published package named ${unknown.join(', ')}`);
    return 2;
  }
  const destination = out ? resolve(out) : mkdtempSync(join(tmpdir(), 'nanomsg-ts-pack-'));
  mkdirSync(destination, { recursive: true });
  const results = [];
  try {
    for (const pkg of selected) {
      const tarball = pack(pkg.dir, destination);
      const files = readTarball(tarball);
      const problems = checkTarball(pkg, files, versions);
      results.push({
        name: pkg.name,
        version: pkg.version,
        folder: pkg.folder,
        tarball: out ? tarball : undefined,
        packedBytes: statSync(tarball).size,
        unpackedBytes: [...files.values()].reduce((sum, body) => sum + body.length, 0),
        files: [...files]
          .map(([path, body]) => ({ path, bytes: body.length }))
          .sort((a, b) => a.path.localeCompare(b.path)),
        problems,
      });
    }
  } finally {
    if (!out && existsSync(destination)) rmSync(destination, { recursive: true, force: true });
  }

  const log = json ? console.error : console.log;
  const rows = results.map((r) => [
    r.name,
    String(r.files.length),
    formatBytes(r.packedBytes),
    formatBytes(r.unpackedBytes),
  ]);
  const header = ['package', 'files', 'packed', 'unpacked'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log(line(header));
  for (const row of rows) log(line(row));
  let failed = false;
  for (const r of results) {
    for (const problem of r.problems) {
      failed = true;
      console.error(`pack-check: ${r.name}: ${problem}`);
    }
  }
  if (!failed)
    log(`pack-check: ${results.length} tarballs hold what a user needs, and nothing else`);
  if (json) console.log(JSON.stringify(results, null, 2));
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
