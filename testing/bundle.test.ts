// Bundling with esbuild (JS API): an app that imports only @nanomsg-ts/pubsub
// carries none of the other protocol packages, and it runs; an app that
// imports @nanomsg-ts/core but makes no socket never loads the native addon.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, test } from 'vitest';
import { symbols } from '@nanomsg-ts/core';
import { protocolPackages, socketClasses } from '../scripts/packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'nanomsg-ts-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder whose `@nanomsg-ts/*` entries link to the workspace packages, for esbuild's nodePaths. */
const resolveDir = join(work, 'resolve');
mkdirSync(join(resolveDir, '@nanomsg-ts'), { recursive: true });
for (const name of ['core', ...protocolPackages().map((p) => p.short)]) {
  symlinkSync(join(root, 'packages', name), join(resolveDir, '@nanomsg-ts', name), 'dir');
}

/** The protocol packages other than pubsub (by folder name), and their socket classes. */
const otherPackages = protocolPackages().filter((p) => p.short !== 'pubsub');
const others = otherPackages.map((p) => p.short);
const otherClasses = (await Promise.all(otherPackages.map(socketClasses))).flat();

/** Bundles `source` (an ES module) for Node.js, keeping @nanomsg-ts/native external. */
async function bundle(
  dir: string,
  source: string,
): Promise<{ code: string; file: string; metafile: Metafile }> {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'app.mjs');
  const file = join(dir, 'bundle.mjs');
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    treeShaking: true,
    external: ['@nanomsg-ts/native'],
    absWorkingDir: dir,
    nodePaths: [resolveDir],
    metafile: true,
    logLevel: 'silent',
  });
  return { code: readFileSync(file, 'utf8'), file, metafile: result.metafile };
}

/** Makes `@nanomsg-ts/native` resolvable from `dir` at run time, as `target`. */
function provideNative(dir: string, target: string): void {
  mkdirSync(join(dir, 'node_modules', '@nanomsg-ts'), { recursive: true });
  symlinkSync(target, join(dir, 'node_modules', '@nanomsg-ts', 'native'), 'dir');
}

function run(
  file: string,
  args: string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NANOMSG_TS_ADDON;
  const r = spawnSync(process.execPath, [file, ...args], {
    encoding: 'utf8',
    env,
    timeout: 15_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('an app importing only @nanomsg-ts/pubsub', () => {
  const dir = join(work, 'pubsub-app');
  const built = bundle(
    dir,
    `import { Pub, Sub } from '@nanomsg-ts/pubsub';
const address = process.argv[2];
const pub = new Pub();
pub.bind(address);
const sub = new Sub({ subscribe: ['weather.'] });
sub.connect(address);
// The connection comes up in the background: publish until the subscriber hears.
let got;
for (let i = 0; i < 500 && got === undefined; i++) {
  pub.trySend('sports.ignored');
  pub.trySend('weather.paris 21C');
  await new Promise((r) => setTimeout(r, 10));
  got = sub.tryRecv();
}
console.log(String(got));
await Promise.all([pub.close(), sub.close()]);
`,
  );

  test('its bundle has none of the other protocol packages in its inputs', async () => {
    const { metafile } = await built;
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => p.includes('packages/pubsub/dist/'))).toBe(true);
    expect(inputs.some((p) => p.includes('packages/core/dist/'))).toBe(true);
    for (const other of others) {
      expect(
        inputs.filter(
          (p) => p.includes(`packages/${other}/`) || p.includes(`@nanomsg-ts/${other}`),
        ),
      ).toEqual([]);
    }
    // The addon stays outside the bundle.
    expect(inputs.filter((p) => p.includes('native/'))).toEqual([]);
  });

  test('its code has Pub and Sub and no class, protocol or option of the other packages', async () => {
    const { code } = await built;
    // esbuild writes `var Pub = class extends …`; tsc output had `class Pub`.
    const declares = (name: string): RegExp =>
      new RegExp(`\\b(?:class|var|let|const|function)\\s+${name}\\b`);
    expect(code).toMatch(declares('Pub'));
    expect(code).toMatch(declares('Sub'));
    expect(code).toContain('NN_SUB_SUBSCRIBE');
    expect(otherClasses.length).toBeGreaterThanOrEqual(others.length);
    for (const name of otherClasses) expect(code).not.toMatch(declares(name));
    for (const name of [
      'NN_PUSH',
      'NN_PULL',
      'NN_BUS',
      'NN_REQ_RESEND_IVL',
      'NN_SURVEYOR_DEADLINE',
    ]) {
      expect(code).not.toContain(name);
    }
    for (const other of others) expect(code).not.toContain(`@nanomsg-ts/${other}`);
    // No other protocol's name at all, in core's code either: core knows no
    // protocol by name (each package declares what core needs of its own).
    const protocols = symbols().filter((s) => s.namespace === 'NN_NS_PROTOCOL');
    expect(protocols.map((p) => p.name)).toEqual(expect.arrayContaining(['NN_PUB', 'NN_SUB']));
    for (const { name } of protocols) {
      if (name === 'NN_PUB' || name === 'NN_SUB') continue;
      expect(code, name).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
    console.log(`pubsub-only bundle: ${Buffer.byteLength(code)} bytes (esm, node, not minified)`);
  });

  provideNative(dir, join(root, 'native'));

  test('the bundle runs: a message goes from Pub to Sub over ipc', async () => {
    const { file } = await built;
    const r = run(file, [`ipc://${join(dir, 'app.ipc')}`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('weather.paris 21C\n');
    expect(r.status).toBe(0);
  });
});

describe('an app importing @nanomsg-ts/core without making a socket', () => {
  const dir = join(work, 'core-app');
  const built = bundle(
    dir,
    `import { NanomsgError, Socket, features, symbols, version } from '@nanomsg-ts/core';
console.log([typeof Socket, typeof NanomsgError, typeof symbols, typeof version, typeof features].join(' '));
if (process.argv[2] === 'use') console.log(symbols().length);
`,
  );
  // Stands in for the addon: loading it at all fails loudly.
  const trap = join(work, 'trap-native');
  mkdirSync(trap, { recursive: true });
  writeFileSync(
    join(trap, 'package.json'),
    JSON.stringify({ name: '@nanomsg-ts/native', version: '0.0.0', main: './index.cjs' }),
  );
  writeFileSync(join(trap, 'index.cjs'), `throw new Error('TRAP: the native addon was loaded');\n`);
  provideNative(dir, trap);

  test('does not load the native addon at import', async () => {
    const { file, metafile } = await built;
    expect(Object.keys(metafile.inputs).some((p) => p.includes('packages/core/dist/'))).toBe(true);
    const r = run(file);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function function function object object\n');
    expect(r.status).toBe(0);
  });

  test('(control) the same bundle hits the trap as soon as it uses the library', async () => {
    const { file } = await built;
    const r = run(file, ['use']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('TRAP: the native addon was loaded');
  });
});
