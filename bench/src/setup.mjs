// Set-up of the benchmarks: builds the C baseline (bench/c/nnbench.c) and the
// C NNG reference (bench/c/nngbench.c) with cc and pkg-config, and installs the comparators (node-nanomsg, zeromq.js) into
// bench/.deps with plain npm, outside the workspace install.
//
//   node bench/src/setup.mjs          (pnpm --filter @nanomsg-ts/bench bench:setup)
//
// A comparator that cannot be installed is recorded as missing, with the
// reason, and the benchmarks carry on without it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, cBinary, depsDir, nngBinary, statusFile } from './common.mjs';

/** The comparators: npm spec, and the protocol check run after installing. */
export const comparators = {
  'node-nanomsg': { pkg: 'nanomsg', spec: 'nanomsg@4.2.1' },
  zeromq: { pkg: 'zeromq', spec: 'zeromq@6' },
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0 && !r.error, out: r.error ? String(r.error) : out };
}

function lastLines(text, n = 6) {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** The telling lines of a failed npm install (its error code, a gyp error), on one line. */
function npmReason(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(npm error|npm ERR!|gyp ERR!)/.test(l) && !/\sat\s|^npm error$/.test(l));
  const telling = lines.filter((l) =>
    /code|errno|network|request to|ETARGET|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|gyp ERR! (stack )?Error|not found/i.test(
      l,
    ),
  );
  return (telling.length > 0 ? telling : lines).slice(0, 4).join(' | ') || lastLines(text, 3);
}

/**
 * Compiles `source` into `binary` when missing or older than its source, with
 * the flags of pkg-config package `pkg`, or `fallbackLibs` when pkg-config does
 * not know it (Debian's libnng-dev ships no nng.pc).
 */
function compile({ what, source, binary, pkg, fallbackLibs, force, log }) {
  if (!force && existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) {
    return { ok: true, binary };
  }
  mkdirSync(dirname(binary), { recursive: true });
  const cflags = run('pkg-config', ['--cflags', pkg]);
  const libs = run('pkg-config', ['--libs', pkg]);
  if (!libs.ok && fallbackLibs === undefined) {
    return { ok: false, error: `pkg-config --libs ${pkg} failed: ${lastLines(libs.out)}` };
  }
  const words = (r) => (r.ok ? r.out.trim().split(/\s+/).filter(Boolean) : []);
  const cc = process.env.CC || 'cc';
  const args = [
    '-O2',
    '-Wall',
    '-Wextra',
    ...words(cflags),
    source,
    '-o',
    binary,
    ...(libs.ok ? words(libs) : fallbackLibs),
    '-lpthread',
  ];
  log(`building ${what}: ${cc} ${args.join(' ')}`);
  const r = run(cc, args);
  if (!r.ok) return { ok: false, error: `${cc} failed: ${lastLines(r.out, 20)}`, out: r.out };
  return { ok: true, binary };
}

/** Builds bench/.deps/bin/nnbench (the C baseline on libnanomsg). */
export function buildC({ force = false, log = console.log } = {}) {
  const source = join(benchDir, 'c', 'nnbench.c');
  const { out: _out, ...status } = compile({
    what: 'the C baseline',
    source,
    binary: cBinary,
    pkg: 'nanomsg',
    force,
    log,
  });
  return status;
}

/**
 * Builds bench/.deps/bin/nngbench (the C reference of the "many requests in
 * flight" scenario, on NNG: libnng-dev). Without libnng it is reported missing.
 */
export function buildNng({ force = false, log = console.log } = {}) {
  const source = join(benchDir, 'c', 'nngbench.c');
  const built = compile({
    what: 'the C NNG reference',
    source,
    binary: nngBinary,
    pkg: 'nng',
    fallbackLibs: ['-lnng'],
    force,
    log,
  });
  const { out, ...status } = built;
  const telling = out?.split('\n').find((l) => /nng\/nng\.h|-lnng/.test(l));
  if (telling !== undefined) {
    status.error = `libnng is missing (Debian: apt-get install libnng-dev): ${telling.trim()}`;
  }
  return status;
}

/** Where node-gyp finds Node's headers without downloading them, if anywhere. */
function localNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** Checks that an installed comparator loads and moves one message in this Node. */
export function checkComparator(name) {
  const script = {
    'node-nanomsg': `
      const nano = require('nanomsg');
      const a = nano.socket('pair'), b = nano.socket('pair');
      a.bind('inproc://setup-check'); b.connect('inproc://setup-check');
      const t = setTimeout(() => { console.error('no message'); process.exit(1); }, 5000);
      b.on('data', (m) => { clearTimeout(t); a.close(); b.close();
        console.log(JSON.stringify({ version: require('nanomsg/package.json').version })); });
      a.send('x');`,
    zeromq: `
      const zmq = require('zeromq');
      (async () => {
        const a = new zmq.Pair(), b = new zmq.Pair();
        await a.bind('inproc://setup-check'); b.connect('inproc://setup-check');
        await a.send('x'); await b.receive(); a.close(); b.close();
        console.log(JSON.stringify({ version: require('zeromq/package.json').version, libzmq: zmq.version }));
      })().catch((e) => { console.error(e); process.exit(1); });`,
  }[name];
  const r = run(process.execPath, ['-e', script], { cwd: depsDir, timeout: 20_000 });
  if (!r.ok) return { ok: false, error: `does not load: ${lastLines(r.out)}` };
  try {
    return { ok: true, ...JSON.parse(r.out.trim().split('\n').pop()) };
  } catch {
    return { ok: false, error: `unexpected check output: ${lastLines(r.out)}` };
  }
}

/** Installs one comparator into bench/.deps with npm. */
export function installComparator(name, { log = console.log } = {}) {
  const { pkg, spec } = comparators[name];
  mkdirSync(depsDir, { recursive: true });
  const manifest = join(depsDir, 'package.json');
  let json = { name: 'nanomsg-ts-bench-deps', private: true, dependencies: {} };
  if (existsSync(manifest)) json = { ...json, ...JSON.parse(readFileSync(manifest, 'utf8')) };
  // npm 11 runs dependencies' install scripts only when allowed; both build native code.
  json.allowScripts = { ...(json.allowScripts ?? {}), nanomsg: true, zeromq: true };
  writeFileSync(manifest, `${JSON.stringify(json, null, 2)}\n`);
  const env = { ...process.env };
  if (name === 'node-nanomsg') {
    // Build against Debian's libnanomsg: its headers live in /usr/include/nanomsg.
    env.CXXFLAGS = `${env.CXXFLAGS ?? ''} -I/usr/include/nanomsg`.trim();
    env.npm_config_use_system_libnanomsg = 'true';
    const nodedir = localNodeDir();
    if (nodedir !== undefined) env.npm_config_nodedir = nodedir;
  }
  log(`installing ${spec} into ${depsDir} with npm ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = run(
    npm,
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--save-exact', spec],
    {
      cwd: depsDir,
      env,
      timeout: 300_000,
    },
  );
  if (!r.ok) return { ok: false, error: `npm install ${spec} failed: ${npmReason(r.out)}` };
  const check = checkComparator(name);
  if (!check.ok) return { ok: false, error: `${pkg} installed but ${check.error}` };
  return check;
}

export function readStatus() {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the C baseline is built and the comparators are there. Installs
 * what is missing when `install` is true (the set-up script, and the first
 * run of the benchmarks); otherwise reports what the last set-up found.
 */
export function ensureSetup({ install = false, log = console.log } = {}) {
  const previous = readStatus();
  const status = { node: process.version, c: buildC({ log }), nng: buildNng({ log }) };
  for (const name of Object.keys(comparators)) {
    let s = checkComparator(name);
    if (!s.ok) {
      const tried = previous?.[name] !== undefined && previous.node === process.version;
      if (install || !tried) s = installComparator(name, { log });
      else
        s = { ok: false, error: `${previous[name].error ?? s.error} (run bench:setup to retry)` };
    }
    status[name] = s;
  }
  mkdirSync(depsDir, { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
  return status;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const status = ensureSetup({ install: true });
  for (const [name, s] of Object.entries(status)) {
    if (name === 'node') continue;
    const what = s.ok ? `ok ${s.version ?? s.binary ?? ''}` : `MISSING: ${s.error}`;
    console.log(`${name.padEnd(13)} ${what}`);
  }
}
