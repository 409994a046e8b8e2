// Tree-shaking, for every protocol package: an application importing only
// that package (its example, examples/<name>.mjs) bundled with esbuild holds
// core and that protocol only, in its inputs and in its code, and still runs;
// the minified sizes of each package's bundle are written to
// test-results/bundle-sizes.json (the README's "Bundle sizes" table comes from
// `node scripts/bundle-sizes.mjs`). testing/bundle.test.ts looks closer at pubsub.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, markdownTable, measure, protocols } from '../scripts/bundle-sizes.mjs';
import { protocolPackages, root, socketClasses } from '../scripts/packages.mjs';

/** The socket classes of each protocol package, by folder name. */
const classes: Record<string, string[]> = Object.fromEntries(
  await Promise.all(protocolPackages().map(async (p) => [p.short, await socketClasses(p)])),
);

const work = mkdtempSync(join(tmpdir(), 'nanomsg-ts-treeshake-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** esbuild writes `var Pub = class extends …`; tsc output has `class Pub`. */
const declares = (name: string): RegExp =>
  new RegExp(`\\b(?:class|var|let|const|function)\\s+${name}\\b`);

/**
 * Nanomsg names that only a protocol package's code uses (string literals of
 * its dist that core's own bundle does not contain), e.g. `NN_PUSH`.
 */
const markers: Record<string, string[]> = {};

beforeAll(async () => {
  const { code: coreCode } = await bundle({
    contents: `export * from '@nanomsg-ts/core';`,
    minify: 'whitespace',
  });
  for (const name of protocols) {
    const source = readFileSync(join(root, 'packages', name, 'dist', 'index.js'), 'utf8');
    const names = new Set([...source.matchAll(/['"`](NN_[A-Z0-9_]+)['"`]/g)].map((m) => m[1]!));
    markers[name] = [...names].filter((n) => !new RegExp(`\\b${n}\\b`).test(coreCode));
  }
  // Every protocol has a name of its own: core's code names no protocol.
  expect(protocols.filter((name) => markers[name]!.length === 0)).toEqual([]);
});

describe.each(protocols)('an application importing only @nanomsg-ts/%s', (name) => {
  const dir = join(work, name);
  let built: Awaited<ReturnType<typeof bundle>>;

  beforeAll(async () => {
    // Without comments (core's mention other protocols), with every name.
    built = await bundle({ entry: join(root, 'examples', `${name}.mjs`), minify: 'whitespace' });
    mkdirSync(join(dir, 'node_modules', '@nanomsg-ts'), { recursive: true });
    writeFileSync(join(dir, 'bundle.mjs'), built.code);
    // The addon stays external: the bundle finds the workspace's build.
    symlinkSync(join(root, 'native'), join(dir, 'node_modules', '@nanomsg-ts', 'native'), 'dir');
  });

  it('reads core and this package only, and keeps code of both', () => {
    const outside = built.parsed.filter(
      (input) =>
        !input.startsWith('packages/core/dist/') && !input.startsWith(`packages/${name}/dist/`),
    );
    expect(outside).toEqual([]);
    expect(built.inputs).toContain(`packages/${name}/dist/index.js`);
    // SocketBase, which every protocol class extends.
    expect(built.inputs).toContain('packages/core/dist/base.js');
    expect(built.parsed.filter((input) => input.startsWith('native/'))).toEqual([]);
  });

  it('has the classes and nanomsg names of this package only in its code', () => {
    for (const own of classes[name]!) expect(built.code).toMatch(declares(own));
    for (const marker of markers[name]!) expect(built.code).toMatch(new RegExp(`\\b${marker}\\b`));
    for (const other of protocols.filter((p) => p !== name)) {
      for (const theirs of classes[other]!)
        expect(built.code, theirs).not.toMatch(declares(theirs));
      for (const marker of markers[other]!)
        expect(built.code, marker).not.toMatch(new RegExp(`\\b${marker}\\b`));
      expect(built.code).not.toContain(`@nanomsg-ts/${other}`);
    }
    // Nothing is imported from the packages at run time but the addon, which
    // core loads on first use with require().
    expect(built.code).not.toMatch(/(?:from|import)\s*\(?\s*["']@nanomsg-ts\//);
    expect(built.code).toMatch(/\brequire\w*\(\s*["']@nanomsg-ts\/native["']\s*\)/);
  });

  it('runs', () => {
    const result = spawnSync(process.execPath, ['bundle.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error) throw result.error;
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${name}: done`);
    expect(result.status).toBe(0);
  }, 40_000);
});

it('knows the socket classes of every protocol package', () => {
  for (const name of protocols) expect(classes[name], name).not.toEqual([]);
});

describe('bundle sizes', () => {
  it('are smaller for one protocol package than for all of them, and are written down', async () => {
    const rows = await measure();
    const size = (label: string): number => rows.find((r) => r.bundle === label)!.minifiedBytes;
    const all = rows.find((r) => r.bundle === 'all protocol packages')!;
    for (const name of protocols) {
      const row = rows.find((r) => r.bundle === `@nanomsg-ts/${name}`)!;
      expect(size(row.bundle)).toBeLessThan(all.minifiedBytes);
      // Its own files (index.js, and those it imports) and core's, nobody else's.
      const outside = row.inputs.filter((input) => !input.startsWith('packages/core/'));
      expect(outside).toContain(`packages/${name}/dist/index.js`);
      for (const input of outside)
        expect(input, name).toMatch(new RegExp(`^packages/${name}/dist/`));
    }
    const others = all.inputs.filter((input) => !input.startsWith('packages/core/'));
    for (const name of protocols) expect(others).toContain(`packages/${name}/dist/index.js`);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(
      join(root, 'test-results', 'bundle-sizes.json'),
      `${JSON.stringify(rows, null, 2)}\n`,
    );
    console.log(`bundle sizes (esbuild, ESM for Node.js, minified):\n${markdownTable(rows)}`);
  });
});
