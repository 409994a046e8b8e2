// The published packages as a user gets them: `pnpm pack` of every package
// holds what a user needs and nothing else (scripts/pack-check.mjs), and the
// tarballs of native, core and pubsub install with plain npm into an empty
// folder outside the workspace with no compiler, CMake or pkg-config on the
// PATH (native's prebuilt addon is used), where an ES module, a CommonJS and
// a strict TypeScript consumer each use PUB/SUB, on every supported Node.js;
// the same tarball without its prebuilt addon compiles on install; a
// prebuilt addon that cannot load libnanomsg says what to install.
//
// Slow (npm install and a native compile): NANOMSG_TS_SKIP_PACKAGING=1 skips
// the install part on a developer's machine; it is never skipped when CI is set.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarball } from '../scripts/pack-check.mjs';
import { nodeBinary } from '../scripts/node-binaries.mjs';
import { publicPackages, readTarball, root } from '../scripts/packages.mjs';

const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const skipInstall = process.env.NANOMSG_TS_SKIP_PACKAGING === '1' && !inCI;

interface PackResult {
  name: string;
  version: string;
  folder: string;
  tarball: string;
  packedBytes: number;
  unpackedBytes: number;
  files: { path: string; bytes: number }[];
  problems: string[];
}

const work = mkdtempSync(join(tmpdir(), 'nanomsg-ts-packaging-'));
const tarballs = join(work, 'tarballs');
let packed: PackResult[] = [];

/** The environment for npm: no npm_* variables that pnpm (running the tests) set. */
function npmEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key.startsWith('PNPM_')) continue;
    env[key] = value;
  }
  env.npm_config_update_notifier = 'false';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** npm's cache for these installs: kept between runs, apart from the user's. */
const npmCache = join(root, 'node_modules', '.cache', 'nanomsg-ts', 'npm-cache');

function npmInstall(folder: string, specs: string[], env: NodeJS.ProcessEnv) {
  return spawnSync('npm', ['install', '--no-audit', '--no-fund', '--cache', npmCache, ...specs], {
    cwd: folder,
    env,
    encoding: 'utf8',
    timeout: 540_000,
  });
}

/** An empty npm project outside the workspace that may run the addon's install script. */
function emptyProject(name: string, nativeTarball: string): string {
  const folder = join(work, name);
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify(
      {
        name,
        private: true,
        // npm 11 runs dependencies' install scripts only once approved. A
        // tarball installed from a file is approved by its file: spec.
        allowScripts: { '@nanomsg-ts/native': true, [`file:${nativeTarball}`]: true },
      },
      null,
      2,
    ),
  );
  return folder;
}

function tarballOf(name: string): string {
  const result = packed.find((p) => p.name === name);
  if (!result) throw new Error(`${name} was not packed`);
  return result.tarball;
}

/** Build tools a user without a compiler lacks: hidden from the PATH of an install. */
const BUILD_TOOLS =
  /^(cmake|ctest|make|gmake|ninja|pkg-config|pkgconf|cc|c\+\+|cpp|gcc|g\+\+|clang|clang\+\+|(x86_64-linux-gnu-)?(gcc|g\+\+|c\+\+|cpp)(-\d+)?)$/;

/** A PATH with every program of the current one but the build tools (symbolic links in one folder). */
function pathWithoutBuildTools(): string {
  const bin = join(work, 'no-build-tools-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir || !existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (BUILD_TOOLS.test(name) || existsSync(join(bin, name))) continue;
        symlinkSync(join(dir, name), join(bin, name));
      }
    }
  }
  return bin;
}

/** The tarball of @nanomsg-ts/native without its prebuilt addon (made once). */
function nativeWithoutPrebuild(): string {
  const tarball = join(tarballs, 'nanomsg-ts-native-source-only.tgz');
  if (existsSync(tarball)) return tarball;
  const unpacked = join(work, 'native-unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['xzf', tarballOf('@nanomsg-ts/native'), '-C', unpacked]);
  rmSync(join(unpacked, 'package', 'prebuilds'), { recursive: true, force: true });
  execFileSync('tar', ['czf', tarball, '-C', unpacked, 'package']);
  return tarball;
}

beforeAll(() => {
  const result = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'pack-check.mjs'), '--json', '--out', tarballs],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.error) throw result.error;
  packed = JSON.parse(result.stdout) as PackResult[];
  if (result.status !== 0) {
    throw new Error(`scripts/pack-check.mjs failed:\n${result.stderr}`);
  }
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pnpm pack of every package', () => {
  it('packs every published package, with no problem found', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      publicPackages()
        .map((p) => p.name)
        .sort(),
    );
    expect(packed.length).toBe(9);
    for (const p of packed) expect(p.problems, p.name).toEqual([]);
  });

  it('ships compiled JavaScript, .d.ts, README and LICENSE in the TypeScript packages', () => {
    for (const p of packed.filter((r) => r.folder.startsWith('packages/'))) {
      const paths = p.files.map((f) => f.path);
      expect(paths, p.name).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'LICENSE',
          'dist/index.js',
          'dist/index.d.ts',
        ]),
      );
      for (const path of paths) {
        expect(path, p.name).toMatch(
          /^(package\.json|README\.md|LICENSE|dist\/[\w/.-]+\.(js|d\.ts))$/,
        );
      }
    }
  });

  it('ships the C++ sources, CMake files, loader, install step and prebuilt linux-x64 addon of @nanomsg-ts/native, and no other build output', () => {
    const native = packed.find((p) => p.name === '@nanomsg-ts/native')!;
    const paths = native.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'index.cjs',
        'index.d.cts',
        'install.cjs',
        'prebuild.cjs',
        'prebuilds/linux-x64-glibc/nanomsg.node',
        'CMakeLists.txt',
        'cmake/FindNanomsgLib.cmake',
        'src/addon.cc',
        'src/socket.cc',
      ]),
    );
    expect(
      paths.filter((p) => p.startsWith('build/') || p.endsWith('.node') || p.startsWith('test/')),
    ).toEqual(['prebuilds/linux-x64-glibc/nanomsg.node']);
    const manifest = JSON.parse(readTarball(native.tarball).get('package.json')!.toString('utf8'));
    expect(manifest.scripts.install).toBe('node install.cjs');
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      'cmake-js',
      'node-addon-api',
      'node-api-headers',
    ]);
  });

  it('replaces workspace: ranges with the versions of the packages', () => {
    const versions = new Map(publicPackages().map((p) => [p.name, p.version]));
    for (const p of packed.filter((r) => r.name !== '@nanomsg-ts/native')) {
      const manifest = JSON.parse(readTarball(p.tarball).get('package.json')!.toString('utf8'));
      if (p.name === '@nanomsg-ts/web') {
        expect(manifest.dependencies, p.name).toBeUndefined(); // the browser package stands alone
        continue;
      }
      const internal = p.name === '@nanomsg-ts/core' ? '@nanomsg-ts/native' : '@nanomsg-ts/core';
      expect(manifest.dependencies, p.name).toEqual({ [internal]: `^${versions.get(internal)}` });
    }
  });

  it('has each tarball LICENSE equal to the repository LICENSE', () => {
    const license = readFileSync(join(root, 'LICENSE'));
    for (const p of packed)
      expect(readTarball(p.tarball).get('LICENSE')?.equals(license), p.name).toBe(true);
  });
});

describe('scripts/pack-check.mjs finds what does not belong', () => {
  const core = { dir: join(root, 'packages', 'core'), folder: 'packages/core' };
  const versions = new Map([['@nanomsg-ts/native', '1.2.3']]);
  const good = (): Map<string, Buffer> =>
    new Map([
      [
        'package.json',
        Buffer.from(
          JSON.stringify({
            name: '@nanomsg-ts/core',
            publishConfig: { access: 'public' },
            main: './dist/index.js',
            dependencies: { '@nanomsg-ts/native': '^1.2.3' },
          }),
        ),
      ],
      ['README.md', Buffer.from('# core')],
      ['LICENSE', readFileSync(join(root, 'LICENSE'))],
      ...readdirSync(join(root, 'packages', 'core', 'src'))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f): [string, Buffer][] => [
          [`dist/${f.replace(/\.ts$/, '.js')}`, Buffer.from('')],
          [`dist/${f.replace(/\.ts$/, '.d.ts')}`, Buffer.from('')],
        ]),
    ]);

  it('accepts a tarball with what a user needs', () => {
    expect(checkTarball(core, good(), versions)).toEqual([]);
  });

  it('reports tests, sources, maps, a missing LICENSE, a workspace: range and stale output', () => {
    const files = good();
    files.set('test/core.test.ts', Buffer.from(''));
    files.set('src/index.ts', Buffer.from(''));
    files.set('dist/index.js.map', Buffer.from(''));
    files.set('dist/gone.js', Buffer.from(''));
    files.delete('LICENSE');
    files.set(
      'package.json',
      Buffer.from(
        JSON.stringify({
          name: '@nanomsg-ts/core',
          main: './dist/main.js',
          dependencies: { '@nanomsg-ts/native': 'workspace:^' },
        }),
      ),
    );
    const problems = checkTarball(core, files, versions).join('\n');
    for (const expected of [
      'ships test/core.test.ts',
      'ships src/index.ts',
      'ships dist/index.js.map',
      'has no LICENSE',
      'dependencies.@nanomsg-ts/native is still workspace:^',
      'points at ./dist/main.js',
      'dist/gone.js has no source',
      'publishConfig.access',
    ]) {
      expect(problems).toContain(expected);
    }
  });
});

describe.skipIf(skipInstall)(
  'installed from the tarballs with plain npm, outside the workspace',
  () => {
    let project = '';

    beforeAll(() => {
      const native = tarballOf('@nanomsg-ts/native');
      project = emptyProject('consumer', native);
      const specs = [
        native,
        tarballOf('@nanomsg-ts/core'),
        tarballOf('@nanomsg-ts/pubsub'),
        '@types/node@^20.19.0',
      ];
      // No compiler, CMake or pkg-config: the prebuilt addon must do.
      const result = npmInstall(project, specs, npmEnv({ PATH: pathWithoutBuildTools() }));
      if (result.error) throw result.error;
      if (result.status !== 0) {
        throw new Error(
          `npm install failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
        );
      }
    }, 600_000);

    it('used the prebuilt addon, compiling nothing (no build folder), with no compiler, CMake or pkg-config on the PATH; installed only the packages asked for', () => {
      const native = join(project, 'node_modules', '@nanomsg-ts', 'native');
      expect(existsSync(join(native, 'prebuilds', 'linux-x64-glibc', 'nanomsg.node'))).toBe(true);
      expect(existsSync(join(native, 'build'))).toBe(false);
      for (const tool of ['cmake', 'g++', 'pkg-config']) {
        const found = spawnSync('sh', ['-c', `command -v ${tool}`], {
          env: { PATH: pathWithoutBuildTools() },
        });
        expect(found.status, `${tool} is hidden`).not.toBe(0);
      }
      expect(readdirSync(join(project, 'node_modules', '@nanomsg-ts')).sort()).toEqual([
        'core',
        'native',
        'pubsub',
      ]);
    });

    const roundTrip = (load: string) => `
    const dir = ${JSON.stringify(work)};
    const address = 'ipc://' + dir + '/' + Math.random().toString(36).slice(2) + '.ipc';
    const pub = new Pub();
    const sub = new Sub({ subscribe: ['news.'] });
    pub.bind(address);
    sub.connect(address);
    let received;
    for (let i = 0; i < 250 && received === undefined; i++) {
      await pub.send('news.hello');
      await new Promise((resolve) => setTimeout(resolve, 20));
      received = sub.tryRecv();
    }
    let code;
    try {
      pub.bind('nosuchtransport://x');
    } catch (error) {
      code = NanomsgError.isInstance(error) && error instanceof NanomsgError ? error.code : String(error);
    }
    const out = {
      loader: ${JSON.stringify(load)},
      received: received === undefined ? null : String(received),
      isBuffer: Buffer.isBuffer(received),
      pubCanRecv: typeof pub.recv,
      subCanSend: typeof sub.send,
      code,
    };
    await Promise.all([pub.close(), sub.close()]);
    console.log(JSON.stringify(out));
  `;
    const expected = (loader: string) => ({
      loader,
      received: 'news.hello',
      isBuffer: true,
      pubCanRecv: 'undefined',
      subCanSend: 'undefined',
      code: 'EPROTONOSUPPORT',
    });

    function runNode(file: string, node = process.execPath, cwd = project) {
      const result = spawnSync(node, [file], {
        cwd,
        encoding: 'utf8',
        timeout: 50_000,
      });
      if (result.error) throw result.error;
      expect(result.status, `${file}:\n${result.stdout}\n${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout.trim().split('\n').pop()!);
    }

    it('runs a PUB/SUB round trip from an ES module', () => {
      writeFileSync(
        join(project, 'esm.mjs'),
        `import { NanomsgError, Pub, Sub } from '@nanomsg-ts/pubsub';\n${roundTrip('import')}`,
      );
      expect(runNode('esm.mjs')).toEqual(expected('import'));
    }, 60_000);

    it('runs a PUB/SUB round trip from CommonJS with require() (Node.js 20.19+ require of ES modules)', () => {
      expect(process.features.require_module).toBe(true);
      writeFileSync(
        join(project, 'cjs.cjs'),
        `const { NanomsgError, Pub, Sub } = require('@nanomsg-ts/pubsub');\n(async () => {\n${roundTrip('require')}\n})().catch((error) => { console.error(error); process.exitCode = 1; });\n`,
      );
      expect(runNode('cjs.cjs')).toEqual(expected('require'));
    }, 60_000);

    it('type-checks a strict TypeScript consumer (module NodeNext), ES module and CommonJS', () => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2022', 'ESNext.Disposable'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['app.mts', 'app.cts'],
        }),
      );
      writeFileSync(
        join(project, 'app.mts'),
        `import { NanomsgError, Pub, Sub, type SocketOptions, type Topic } from '@nanomsg-ts/pubsub';

const options: SocketOptions = { sendBufferSize: 1 << 20 };
const pub = new Pub(options);
const topics: Topic[] = ['news.', new Uint8Array([1, 2])];
const sub = new Sub({ subscribe: topics, receiveTimeout: 1000 });
pub.bind('ipc:///tmp/app.ipc');
sub.connect('ipc:///tmp/app.ipc');
await pub.send('news.hello', { timeout: 100 });
const message: Buffer = await sub.recv({ signal: AbortSignal.timeout(1000) });
const ready: Buffer | undefined = sub.tryRecv();
for await (const m of sub) {
  const text: string = m.toString('utf8');
  void text;
}
try {
  pub.bind('nosuchtransport://x');
} catch (error) {
  if (NanomsgError.isInstance(error)) {
    const code: string = error.code;
    const errno: number = error.errno;
    void [code, errno];
  }
}
// @ts-expect-error a Pub cannot receive
await pub.recv();
// @ts-expect-error a Sub cannot send
await sub.send('x');
// @ts-expect-error no such option
new Pub({ noSuchOption: 1 });
await Promise.all([pub.close(), sub.close()]);
void [message, ready];
`,
      );
      writeFileSync(
        join(project, 'app.cts'),
        // A CommonJS module: this import compiles to require(), which TypeScript
        // allows for an ES module under module NodeNext (Node.js 20.19+).
        `import { Pub, Sub } from '@nanomsg-ts/pubsub';
const pub: Pub = new Pub();
const sub: Sub = new Sub({ subscribe: [''] });
void pub.send('x').then(() => sub.recv()).then((m: Buffer) => m.length);
`,
      );
      const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: project,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (result.error) throw result.error;
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    }, 120_000);

    it.each(['20', '22', '24', '26'])(
      'the same prebuilt addon runs the ES module round trip on Node.js %s',
      (major) => {
        const node =
          process.versions.node.split('.')[0] === major ? process.execPath : nodeBinary(major).node;
        const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
        expect(version.startsWith(`v${major}.`)).toBe(true);
        expect(runNode('esm.mjs', node), version).toEqual(expected('import'));
      },
      300_000,
    );

    it('a prebuilt addon that cannot find libnanomsg.so.5 fails with a message saying what to install, not a crash', () => {
      const copy = join(work, 'consumer-without-library');
      cpSync(project, copy, { recursive: true });
      // The same binary, asking for a library name no machine has.
      const file = join(
        copy,
        'node_modules',
        '@nanomsg-ts',
        'native',
        'prebuilds',
        'linux-x64-glibc',
        'nanomsg.node',
      );
      const bytes = readFileSync(file);
      const from = Buffer.from('libnanomsg.so.5\0');
      const at = bytes.indexOf(from);
      expect(at).toBeGreaterThan(0);
      Buffer.from('libnanomsg.so.9\0').copy(bytes, at);
      writeFileSync(file, bytes);
      const result = spawnSync(process.execPath, ['esm.mjs'], {
        cwd: copy,
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(result.signal).toBeNull();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('ERR_NANOMSG_LIBRARY');
      expect(result.stderr).toContain('sudo apt-get install libnanomsg5');
      expect(result.stderr).toContain('libnanomsg.so.9');
    }, 60_000);

    it('from a tarball without the prebuilt addon, compiles it on install, and the round trip runs', () => {
      const native = nativeWithoutPrebuild();
      const folder = emptyProject('consumer-from-source', native);
      const result = npmInstall(
        folder,
        [native, tarballOf('@nanomsg-ts/core'), tarballOf('@nanomsg-ts/pubsub')],
        npmEnv(),
      );
      if (result.error) throw result.error;
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      const installed = join(folder, 'node_modules', '@nanomsg-ts', 'native');
      expect(existsSync(join(installed, 'build', 'Release', 'nanomsg.node'))).toBe(true);
      expect(existsSync(join(installed, 'prebuilds'))).toBe(false);
      cpSync(join(project, 'esm.mjs'), join(folder, 'esm.mjs'));
      expect(runNode('esm.mjs', process.execPath, folder)).toEqual(expected('import'));
    }, 600_000);

    it('fails the install with the per-OS hint when libnanomsg is missing (no prebuilt addon fits)', () => {
      const native = nativeWithoutPrebuild();
      const folder = emptyProject('no-libnanomsg', native);
      // Hide every pkg-config folder, so the CMake module finds no libnanomsg.
      const empty = join(work, 'no-pkgconfig');
      mkdirSync(empty);
      const result = npmInstall(
        folder,
        [native],
        npmEnv({ PKG_CONFIG_LIBDIR: empty, PKG_CONFIG_PATH: undefined, NANOMSG_PREFIX: undefined }),
      );
      if (result.error) throw result.error;
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status, output).not.toBe(0);
      expect(output).toContain('libnanomsg (the nanomsg C library and its headers) was not found');
      expect(output).toContain('sudo apt-get install libnanomsg-dev');
      expect(output).toContain('brew install nanomsg');
      expect(output).toContain('NANOMSG_PREFIX');
    }, 600_000);
  },
);
