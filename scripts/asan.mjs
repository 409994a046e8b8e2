#!/usr/bin/env node
// pnpm test:asan: builds the addon with AddressSanitizer and LeakSanitizer
// (CMake option NANOMSG_TS_SANITIZE) into native/build/asan, then runs the
// native, core and protocol test suites with it: NANOMSG_TS_ADDON points the
// loader at that build, and the compiler's ASan runtime is preloaded into
// every Node.js process (Node itself is not instrumented).
//
// Every process writes its reports to a folder of its own (ASAN_OPTIONS
// log_path); afterwards they are read here:
// - any AddressSanitizer error (use-after-free, overflow, double free...)
//   fails the run, wherever it is;
// - a leak fails the run when the addon allocated it (see allocatedBy);
//   leaks allocated elsewhere (Node.js and V8 themselves, which free little
//   at exit, or nanocat and perl peers that the interop tests start and that
//   inherit the preload) are counted and listed by module, not failed.
//
// Usage: node scripts/asan.mjs [vitest arguments...]
//   default: the unit and interop projects (native/test, packages/*/test;
//   see vitest.config.ts), e.g. `pnpm test:asan testing/reliability` instead
//   NANOMSG_TS_ASAN_KEEP=1 keeps the report folder.
//   NANOMSG_TS_TEST_REPORT=file: vitest also writes its JSON report there, as
//   with `pnpm test` (scripts/vitest-run.mjs); .ci/run reads the counts from it.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, 'native');
const buildDir = join(nativeDir, 'build', 'asan');
const started = Date.now();

function fail(message) {
  console.error(`test:asan: ${message}`);
  process.exit(1);
}

function step(what) {
  console.log(`\n== test:asan: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

// ---- the ASan runtime: the one of the compiler that builds the addon ---------
function runtime() {
  const cxx = process.env.CXX ?? 'g++';
  for (const [compiler, lib] of [
    [cxx, 'libasan.so'],
    ['g++', 'libasan.so'],
    ['clang++', 'libclang_rt.asan-x86_64.so'],
  ]) {
    try {
      const path = execFileSync(compiler, [`-print-file-name=${lib}`], { encoding: 'utf8' }).trim();
      if (path.startsWith('/') && existsSync(path)) return { compiler, path };
    } catch {
      // that compiler is not installed
    }
  }
  return undefined;
}

const asan = runtime();
if (asan === undefined) {
  fail(
    'no AddressSanitizer runtime found: install gcc (Debian: g++, which brings libasan) ' +
      'or clang with libclang-rt-14-dev',
  );
}
console.log(`ASan runtime: ${asan.path} (${asan.compiler})`);

// ---- build ------------------------------------------------------------------
step('building the TypeScript packages');
let r = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) fail('the build failed');

step(`building the addon with NANOMSG_TS_SANITIZE=ON into ${buildDir}`);
const cmakeJs = join(
  dirname(createRequire(join(nativeDir, 'package.json')).resolve('cmake-js/package.json')),
  'bin',
  'cmake-js',
);
r = spawnSync(
  process.execPath,
  [
    cmakeJs,
    'compile',
    '--directory',
    nativeDir,
    '--out',
    buildDir,
    '--config',
    'RelWithDebInfo',
    '--CDNANOMSG_TS_SANITIZE=ON',
    `--CDCMAKE_CXX_COMPILER=${asan.compiler}`,
    '--log-level',
    'warn',
  ],
  { cwd: nativeDir, stdio: 'inherit' },
);
if (r.status !== 0) fail('the ASan build of the addon failed');
const addon = findAddon(buildDir);
if (addon === undefined) fail(`no nanomsg.node under ${buildDir}`);
const linked = spawnSync('ldd', [addon], { encoding: 'utf8' }).stdout ?? '';
if (!/libasan|libclang_rt\.asan/.test(linked)) fail(`${addon} is not linked with ASan:\n${linked}`);
console.log(`addon: ${addon}`);

function findAddon(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'nanomsg.node') return path;
    if (statSync(path).isDirectory() && entry !== 'CMakeFiles') {
      const found = findAddon(path);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// ---- is it the one that loads? ----------------------------------------------------
const env = {
  ...process.env,
  NANOMSG_TS_ADDON: addon,
  LD_PRELOAD: [asan.path, process.env.LD_PRELOAD].filter(Boolean).join(':'),
};
r = spawnSync(
  process.execPath,
  [
    '-e',
    `require(${JSON.stringify(join(nativeDir, 'index.cjs'))});` +
      `process.stdout.write(require('fs').readFileSync('/proc/self/maps', 'utf8'))`,
  ],
  { env: { ...env, ASAN_OPTIONS: 'detect_leaks=0' }, encoding: 'utf8' },
);
if (r.status !== 0 || !r.stdout.includes(addon) || !/libasan|libclang_rt\.asan/.test(r.stdout)) {
  fail(`a Node.js process with this environment does not load ${addon} under ASan:\n${r.stderr}`);
}

// ---- run the suites -----------------------------------------------------------
const reports = mkdtempSync(join(tmpdir(), 'nanomsg-ts-asan-'));
const args = process.argv.slice(2);
const paths = args.length > 0 ? args : ['--project', 'unit', '--project', 'interop'];
step(`running vitest ${paths.join(' ')} with the ASan addon (reports in ${reports})`);
const vitest = join(
  dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')),
  'vitest.mjs',
);
// vitest ends its fork workers with SIGTERM (SIGKILL half a second later):
// this setup file makes them exit normally instead, so that LeakSanitizer
// checks them too. It and the config that adds it live in the build folder.
const setupFile = join(buildDir, 'exit-on-sigterm.mjs');
writeFileSync(setupFile, "process.once('SIGTERM', () => process.exit(0));\n");
// LeakSanitizer's check at a worker's exit takes longer than that half
// second (about 1 s for a bare Node.js process, more under load), and the
// SIGKILL cut it off: no worker's leaks were ever reported. This module,
// loaded into vitest's main process only (node --import; the workers do not
// inherit it), makes a SIGKILL of a vitest fork worker wait until the worker
// exits by itself, for up to 2 minutes.
const waitFile = join(buildDir, 'wait-for-worker-exit.mjs');
writeFileSync(
  waitFile,
  `import { ChildProcess } from 'node:child_process';\n(${waitForWorkerExit})(ChildProcess);\n`,
);
function waitForWorkerExit(ChildProcess) {
  const kill = ChildProcess.prototype.kill;
  ChildProcess.prototype.kill = function (signal) {
    const worker = this.spawnargs.some((a) => /[\\/]workers[\\/]forks\.js$/.test(a));
    if (signal !== 'SIGKILL' || !worker || this.exitCode !== null || this.signalCode !== null) {
      return kill.call(this, signal);
    }
    const timer = setTimeout(() => {
      process.stderr.write(
        `test:asan: vitest worker ${this.pid} still running 120 s after SIGTERM\n`,
      );
      kill.call(this, 'SIGKILL');
    }, 120_000);
    this.once('exit', () => clearTimeout(timer));
    return true;
  };
}
// The repository's config with that setup file, and no type tests (the
// projects inherit the setup file; the unit project's typecheck is turned off).
const configFile = join(buildDir, 'vitest.asan.config.mjs');
writeFileSync(
  configFile,
  `import base from ${JSON.stringify(pathToFileURL(join(root, 'vitest.config.ts')).href)};\n` +
    `const projects = base.test.projects.map((p) => ` +
    `({ ...p, test: { ...p.test, typecheck: { enabled: false } } }));\n` +
    `export default { ...base, test: { ...base.test, root: ${JSON.stringify(root)}, ` +
    `setupFiles: [${JSON.stringify(setupFile)}], projects } };\n`,
);
Object.assign(env, {
  ASAN_OPTIONS: [
    `log_path=${join(reports, 'asan')}`,
    'detect_leaks=1',
    // Frames stay (module+offset), which is what the reports are judged by
    // below (a symbolised frame of the addon names its source file, not the
    // module); the frames printed are symbolised with addr2line.
    'symbolize=0',
    'halt_on_error=1',
    'abort_on_error=1',
    // Leaks are judged here from the reports: they do not change exit codes.
    'exitcode=0',
    // Node.js is not built with ASan; these keep its own code paths quiet.
    'detect_odr_violation=0',
    'alloc_dealloc_mismatch=0',
    'new_delete_type_mismatch=0',
    'handle_segv=0',
    'allow_user_segv_handler=1',
  ].join(':'),
  LSAN_OPTIONS: 'exitcode=0:report_objects=0:use_unaligned=1',
});
const reporters = [];
if (process.env.NANOMSG_TS_TEST_REPORT) {
  const report = resolve(process.env.NANOMSG_TS_TEST_REPORT);
  reporters.push('--reporter=default', '--reporter=json', `--outputFile=${report}`);
  console.log(`vitest JSON report: ${report}`);
}
const testRun = spawnSync(
  process.execPath,
  [
    '--import',
    pathToFileURL(waitFile).href,
    vitest,
    'run',
    '--config',
    configFile,
    ...reporters,
    ...paths,
  ],
  {
    cwd: root,
    env,
    stdio: 'inherit',
  },
);

// ---- read the reports -------------------------------------------------------------
step('reading the sanitizer reports');
const files = readdirSync(reports).map((f) => join(reports, f));
// A leak is the addon's when its allocation was made by the addon: going
// down its stack from the allocation, past the allocator (the ASan runtime,
// libstdc++, libc), a frame of the addon comes before any frame of another
// module, libnanomsg's excepted (the addon calls it, and without frame
// pointers its frames often end the stack). Leaks allocated by Node.js and V8
// are theirs even when the addon is further down the stack: V8 allocates
// while running a callback that the addon called, and keeps those blocks
// through pointers in its own heap, which LeakSanitizer does not scan.
const runtimeModule = /\/lib(asan|clang_rt\.asan[^/]*|stdc\+\+|c|gcc_s|m)\.so[^/]*$/;
function allocatedBy(block) {
  const modules = block
    .split('\n')
    .filter((l) => /^\s*#\d+ /.test(l))
    .map((l) => /\((\/[^+)]+)\+0x[0-9a-f]+\)/.exec(l)?.[1] ?? '<unknown module>')
    .filter((m) => !runtimeModule.test(m));
  for (const m of modules) {
    if (m === addon || m.endsWith('/nanomsg.node')) return 'addon';
    if (!/\/libnanomsg\.so[^/]*$/.test(m)) return modules[0];
  }
  return modules[0] ?? 'unknown';
}
const errors = [];
const ourLeaks = [];
const suppressed = new Map();
let leakBlocks = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (/ERROR: AddressSanitizer/.test(text)) errors.push({ file, text });
  for (const block of text.split(/\n(?=(?:Direct|Indirect) leak of )/).slice(1)) {
    leakBlocks++;
    const by = allocatedBy(block);
    if (by === 'addon') {
      ourLeaks.push({ file, block: block.split('\n').slice(0, 16).join('\n') });
    } else {
      suppressed.set(by, (suppressed.get(by) ?? 0) + 1);
    }
  }
}
for (const e of errors.slice(0, 5)) {
  console.log(`\n--- AddressSanitizer error (${e.file}) ---\n${symbolize(e.text.slice(0, 8000))}`);
}
for (const l of ourLeaks.slice(0, 20)) {
  console.log(`\n--- leak allocated by the addon (${l.file}) ---\n${symbolize(l.block)}`);
}
if (errors.length > 5 || ourLeaks.length > 20) {
  console.log(
    `\n(only the first 5 errors and 20 leaks are printed; NANOMSG_TS_ASAN_KEEP=1 keeps them all)`,
  );
}
// The reports are not symbolised (symbolize=0): the frames printed here get
// their function (and, where there is debug information, source line) from
// addr2line (binutils), one run per module.
function symbolize(text) {
  const frame = /^(\s*#\d+ .*\((\/[^+)]+)\+(0x[0-9a-f]+)\).*)$/gm;
  const wanted = new Map();
  for (const [, , module, offset] of text.matchAll(frame)) {
    if (!wanted.has(module)) wanted.set(module, new Set());
    wanted.get(module).add(offset);
  }
  const known = new Map();
  for (const [module, offsets] of wanted) {
    let out = '';
    try {
      out = execFileSync('addr2line', ['-a', '-f', '-C', '-i', '-p', '-e', module, ...offsets], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      continue;
    }
    let key;
    for (const line of out.split('\n')) {
      const start = /^(0x[0-9a-f]+): (.*)$/.exec(line);
      if (start) {
        key = `${module}+0x${BigInt(start[1]).toString(16)}`;
        if (!start[2].startsWith('??')) known.set(key, start[2]);
      } else if (key && known.has(key) && line.trim()) {
        known.set(key, `${known.get(key)}\n        ${line.trim()}`);
      }
    }
  }
  return text.replace(frame, (line, _, module, offset) => {
    const where = known.get(`${module}+0x${BigInt(offset).toString(16)}`);
    return where ? `${line}\n        ${where}` : line;
  });
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `\ntest:asan summary: vitest exit ${testRun.status}; ${files.length} report file(s); ` +
    `${errors.length} AddressSanitizer error(s); ${ourLeaks.length} leak(s) allocated by the addon; ` +
    `${leakBlocks - ourLeaks.length} leak stack(s) allocated elsewhere ignored` +
    (suppressed.size > 0 ? ` (${[...suppressed].map(([m, n]) => `${m}: ${n}`).join(', ')})` : '') +
    `; ${seconds} s in all`,
);
if (process.env.NANOMSG_TS_ASAN_KEEP === undefined)
  rmSync(reports, { recursive: true, force: true });
process.exit(testRun.status === 0 && errors.length === 0 && ourLeaks.length === 0 ? 0 : 1);
