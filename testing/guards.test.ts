// Repository guards:
// - no protocol package lists, imports or names another protocol package,
//   and each depends on @nanomsg-ts/core alone; the test kit that every
//   package's tests import names no protocol package;
// - no TypeScript source under packages/*/src writes a numeric value for a
//   nanomsg symbol;
// - every nanomsg name the sources use is in the loaded library's symbol table.
// The detectors are tested on samples first, so a guard that can no longer
// see anything fails instead of passing silently.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';
import { symbols } from '../packages/core/dist/index.js';
import { protocolPackages as workspaceProtocols, root } from '../scripts/packages.mjs';

const packagesDir = join(root, 'packages');

/** Folder name → package name of the protocol packages (from the workspace, scripts/packages.mjs). */
const protocolPackages: Readonly<Record<string, string>> = Object.fromEntries(
  workspaceProtocols().map((p) => [p.short, p.name]),
);
const folders = Object.keys(protocolPackages);

interface PackageJson {
  name?: string;
  [field: string]: unknown;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

/** Every file below `dir` (skipping node_modules and dist), or none if it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The files of a protocol package that the guard reads: src, test, README*. */
function packageFiles(folder: string): string[] {
  const dir = join(packagesDir, folder);
  const readmes = readdirSync(dir).filter(
    (name) => /^readme/i.test(name) && statSync(join(dir, name)).isFile(),
  );
  return [
    ...filesUnder(join(dir, 'src')),
    ...filesUnder(join(dir, 'test')),
    ...readmes.map((n) => join(dir, n)),
  ];
}

// ---- detectors ----------------------------------------------------------------

/** The `@nanomsg-ts/<other>` names that `text` mentions, for each other protocol package. */
function namedOthers(text: string, own: string): string[] {
  const found = new Set<string>();
  for (const [folder, name] of Object.entries(protocolPackages)) {
    if (folder === own) continue;
    // The package name, not followed by more name characters (e.g. `@nanomsg-ts/pair`, `@nanomsg-ts/pair/x`).
    if (new RegExp(`${name.replace('/', '\\/')}(?![\\w-])`).test(text)) found.add(name);
  }
  return [...found];
}

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bexport\s+\*\s+from\s*)(['"`])([^'"`]+)\1/g;

/** Relative import specifiers of `text` that lead into another protocol package's folder. */
function importsIntoOthers(text: string, file: string, own: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[2]!;
    if (!spec.startsWith('.')) continue;
    const target = relative(packagesDir, resolve(dirname(file), spec));
    const folder = target.split(sep)[0];
    if (
      folder !== undefined &&
      folder !== own &&
      folders.includes(folder) &&
      !target.startsWith('..')
    ) {
      out.push(spec);
    }
  }
  return out;
}

const table = symbols();
const errorNames = table.filter((s) => s.namespace === 'NN_NS_ERROR').map((s) => s.name);
/** Names of nanomsg constants: NN_*, AF_SP*, the SP header macros, and the table's error names. */
const NAME = `(?:NN_[A-Z0-9_]*[A-Z0-9]|AF_SP(?:_RAW)?|PROTO_SP|SP_HDR|${errorNames.join('|')})`;
const NUMBER = `[-+]?(?:0[xX][0-9a-fA-F]+|\\d+)\\b`;
const numericPatterns: ReadonlyArray<[string, RegExp]> = [
  // NN_PUB = 80, NN_PUB: 80, 'NN_PUB': 80, [NN_PUB]: 80
  ['name assigned a number', new RegExp(`\\b${NAME}\\b['"\\]]?\\s*(?::|=(?![=>]))\\s*${NUMBER}`)],
  // ['NN_PUB', 80]
  ['name paired with a number', new RegExp(`\\[\\s*['"]${NAME}['"]\\s*,\\s*${NUMBER}`)],
  // 80 // NN_PUB, 80, /* NN_PUB */, case 80: // NN_PUB
  [
    'number commented with a name',
    new RegExp(`(?<![\\w.])${NUMBER}[\\s,;:(){}\\[\\]]*(?://|/\\*)[^\\n]*\\b${NAME}\\b`),
  ],
  // symbol('NN_PUB') ?? 80, symbol('NN_PUB') || 80
  [
    'number as a fallback for a name',
    new RegExp(`['"]${NAME}['"]\\s*\\)\\s*(?:\\?\\?|\\|\\|)\\s*${NUMBER}`),
  ],
  // NN_PUB (80), NN_PUB is 80, NN_PUB == 80 in code or comments
  [
    'name equated with a number',
    new RegExp(`\\b${NAME}\\b\\s*(?:===?|!==?|\\bis\\b)\\s*${NUMBER}`),
  ],
];

/** The lines of `text` that write a number for a nanomsg constant, with the pattern they match. */
function numericValues(text: string): string[] {
  const out: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    for (const [what, pattern] of numericPatterns) {
      if (pattern.test(line)) out.push(`line ${i + 1} (${what}): ${line.trim()}`);
    }
  }
  return out;
}

/** The names passed to `symbol('...')`. */
function symbolCalls(text: string): string[] {
  return [...text.matchAll(/\bsymbol\s*\(\s*(['"])([^'"]*)\1\s*\)/g)].map((m) => m[2]!);
}

/** Every string literal that is a whole nanomsg constant name ('NN_SNDBUF', "AF_SP"). */
function quotedNames(text: string): string[] {
  return [...text.matchAll(/(['"])(NN_[A-Z0-9_]*[A-Z0-9]|AF_SP(?:_RAW)?)\1/g)].map((m) => m[2]!);
}

/** Error codes given to nanomsgError/nnError('E...'). */
function errorCodes(text: string): string[] {
  return [...text.matchAll(/\b(?:nanomsgError|nnError)\s*\(\s*(['"])(E[A-Z0-9]+)\1/g)].map(
    (m) => m[2]!,
  );
}

// ---- the detectors themselves ---------------------------------------------------

describe('guard detectors (on samples)', () => {
  test('a mention of another protocol package is found; our own name is not', () => {
    expect(namedOthers(`import { Pair } from '@nanomsg-ts/pair';`, 'bus')).toEqual([
      '@nanomsg-ts/pair',
    ]);
    expect(namedOthers(`"@nanomsg-ts/pipeline": "workspace:^"`, 'pair')).toEqual([
      '@nanomsg-ts/pipeline',
    ]);
    expect(namedOthers(`see @nanomsg-ts/survey/README`, 'pair')).toEqual(['@nanomsg-ts/survey']);
    expect(namedOthers(`import { Pair } from '@nanomsg-ts/pair';`, 'pair')).toEqual([]);
    expect(namedOthers(`from '@nanomsg-ts/core'`, 'pair')).toEqual([]);
    expect(namedOthers(`'@nanomsg-ts/pair-extra'`, 'bus')).toEqual([]);
  });

  test('a relative import into another protocol package is found', () => {
    const file = join(packagesDir, 'bus', 'test', 'x.test.ts');
    expect(
      importsIntoOthers(`import { Pair } from '../../pair/src/index.js';`, file, 'bus'),
    ).toEqual(['../../pair/src/index.js']);
    expect(
      importsIntoOthers(`const m = await import('../../pubsub/dist/index.js');`, file, 'bus'),
    ).toHaveLength(1);
    expect(importsIntoOthers(`import '../../survey/src/index.js';`, file, 'bus')).toHaveLength(1);
    expect(importsIntoOthers(`import { x } from '../src/index.js';`, file, 'bus')).toEqual([]);
    expect(
      importsIntoOthers(`import { x } from '../../../testing/helpers.js';`, file, 'bus'),
    ).toEqual([]);
    expect(importsIntoOthers(`import { x } from '../../core/src/index.js';`, file, 'bus')).toEqual(
      [],
    );
  });

  test('numbers written for nanomsg constants are found', () => {
    const bad = [
      `const NN_PUB = 32;`,
      `export enum Protocol { NN_PAIR = 16 }`,
      `const table = { NN_SNDBUF: 2, 'NN_RCVBUF': 3 };`,
      `const levels = [['NN_SUB', 33]];`,
      `setIntOption(0, 2, 1024); // NN_SOL_SOCKET, NN_SNDBUF`,
      `const EFSM_VALUE = 156384766; /* EFSM */`,
      `case 0x21: // NN_SUB`,
      `const v = lookup('NN_REQ') ?? 48;`,
      `if (code === 11) // EAGAIN`,
      `// NN_VERSION_CURRENT is 5`,
      `if (protocol == 80) {} // NN_PUB`,
      `const af = { AF_SP_RAW: 2 };`,
      `  ETIMEDOUT: 110,`,
    ];
    for (const line of bad) expect(numericValues(line), line).not.toEqual([]);
  });

  test('ordinary numbers are not taken for nanomsg constants', () => {
    const fine = [
      `const READABLE = 1;`,
      `const BATCH = 256;`,
      `/** \`NN_SNDPRIO\` (1 = highest … 16): priority of endpoints added afterwards. */`,
      `/** \`NN_REQ_RESEND_IVL\` (ms, default 60000) */`,
      `this.setOption('NN_SUB_SUBSCRIBE', topic);`,
      `const min = unit === 'milliseconds' || name === 'NN_RCVMAXSIZE' ? -1 : 1;`,
      `const level = symbol('NN_SOL_SOCKET');`,
      `if (error.code === 'ETIMEDOUT') return;`,
      `const handler = (events: number) => NN_X_HANDLER(events);`,
    ];
    for (const line of fine) expect(numericValues(line), line).toEqual([]);
  });

  test('symbol names, quoted constant names and error codes are extracted', () => {
    const text = `symbol('NN_PUB'); symbol("AF_SP_RAW"); x.setOption('NN_SNDBUF', 1); nnError('EFSM', 'nn_send'); symbol(name)`;
    expect(symbolCalls(text)).toEqual(['NN_PUB', 'AF_SP_RAW']);
    expect(quotedNames(text)).toEqual(['NN_PUB', 'AF_SP_RAW', 'NN_SNDBUF']);
    expect(errorCodes(text)).toEqual(['EFSM']);
  });
});

// ---- the repository -------------------------------------------------------------

describe('protocol packages stay independent', () => {
  test('the protocol packages are the six expected folders, named as expected', () => {
    // The one place the list is written out: scripts/packages.mjs derives it
    // from the workspace, and this checks what it derives.
    expect(folders).toEqual(['bus', 'pair', 'pipeline', 'pubsub', 'reqrep', 'survey']);
    const present = readdirSync(packagesDir).filter(
      // core, and web: the browser package, which depends on nothing (below).
      (d) => d !== 'core' && d !== 'web' && existsSync(join(packagesDir, d, 'package.json')),
    );
    expect(present.sort()).toEqual([...folders].sort());
    for (const folder of folders) {
      expect(readJson(join(packagesDir, folder, 'package.json')).name).toBe(
        protocolPackages[folder],
      );
    }
  });

  test.each(folders)('%s depends on @nanomsg-ts/core alone', (folder) => {
    const pkg = readJson(join(packagesDir, folder, 'package.json'));
    expect(Object.keys((pkg.dependencies as Record<string, string> | undefined) ?? {})).toEqual([
      '@nanomsg-ts/core',
    ]);
    for (const field of [
      'peerDependencies',
      'optionalDependencies',
      'bundleDependencies',
      'bundledDependencies',
    ]) {
      const value = pkg[field];
      const names = Array.isArray(value) ? value : Object.keys((value as object | undefined) ?? {});
      expect(names, `${folder} ${field}`).toEqual([]);
    }
    const dev = Object.keys((pkg.devDependencies as Record<string, string> | undefined) ?? {});
    expect(
      dev.filter((d) => d.startsWith('@nanomsg-ts/') && d !== '@nanomsg-ts/core'),
      `${folder} devDependencies`,
    ).toEqual([]);
  });

  test('the test kit (testing/kit) neither depends on nor names a protocol package', () => {
    const kit = join(root, 'testing', 'kit');
    const pkg = readJson(join(kit, 'package.json'));
    expect(pkg.name).toBe('@nanomsg-ts/testkit');
    expect(pkg.private).toBe(true);
    const problems: string[] = [];
    for (const file of filesUnder(kit)) {
      for (const name of namedOthers(readFileSync(file, 'utf8'), '')) {
        problems.push(`${relative(root, file)} names ${name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(folders)('%s/package.json names no other protocol package', (folder) => {
    const text = readFileSync(join(packagesDir, folder, 'package.json'), 'utf8');
    expect(namedOthers(text, folder)).toEqual([]);
  });

  test.each(folders)(
    '%s: src, test and README neither name nor import another protocol package',
    (folder) => {
      const files = packageFiles(folder);
      expect(files.some((f) => f.includes(`${sep}src${sep}`))).toBe(true);
      const problems: string[] = [];
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const rel = relative(root, file);
        for (const name of namedOthers(text, folder)) problems.push(`${rel} names ${name}`);
        for (const spec of importsIntoOthers(text, file, folder))
          problems.push(`${rel} imports ${spec}`);
      }
      expect(problems).toEqual([]);
    },
  );
});

describe('nanomsg values come from the symbol table', () => {
  const sources = readdirSync(packagesDir)
    .flatMap((d) => filesUnder(join(packagesDir, d, 'src')))
    .filter((f) => /\.[cm]?tsx?$/.test(f));
  const names = new Set(table.map((s) => s.name));

  test('there are TypeScript sources to check, core and every protocol package among them', () => {
    for (const folder of ['core', ...folders]) {
      expect(sources.some((f) => f.startsWith(join(packagesDir, folder, 'src')))).toBe(true);
    }
  });

  test('no TypeScript source writes a number for a nanomsg constant', () => {
    const problems = sources.flatMap((f) =>
      numericValues(readFileSync(f, 'utf8')).map((p) => `${relative(root, f)} ${p}`),
    );
    expect(problems).toEqual([]);
  });

  test("every symbol('...') name the sources use is in symbols()", () => {
    const used = new Set(sources.flatMap((f) => symbolCalls(readFileSync(f, 'utf8'))));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });

  test('every quoted NN_*/AF_SP name and every error code in the sources is in symbols()', () => {
    const quoted = new Set(sources.flatMap((f) => quotedNames(readFileSync(f, 'utf8'))));
    const codes = new Set(sources.flatMap((f) => errorCodes(readFileSync(f, 'utf8'))));
    expect(quoted.size).toBeGreaterThan(0);
    expect([...quoted].filter((n) => !names.has(n))).toEqual([]);
    expect([...codes].filter((n) => !names.has(n))).toEqual([]);
  });

  test.each(folders)(
    "%s opens its sockets with protocol names of the table's NN_NS_PROTOCOL",
    (folder) => {
      const text = filesUnder(join(packagesDir, folder, 'src'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
      const protocols = [...text.matchAll(/\bsuper\(\s*(['"])([^'"]+)\1/g)].map((m) => m[2]!);
      expect(protocols.length).toBeGreaterThan(0);
      for (const p of protocols) {
        expect(table.find((s) => s.name === p)?.namespace, p).toBe('NN_NS_PROTOCOL');
      }
    },
  );
});

describe('the browser package (packages/web) stands alone', () => {
  const dir = join(packagesDir, 'web');

  test('it depends on no package, and its sources import only each other', () => {
    const pkg = readJson(join(dir, 'package.json'));
    expect(pkg.dependencies).toBeUndefined();
    const sources = filesUnder(join(dir, 'src'));
    expect(sources.length).toBeGreaterThan(5);
    const outside = sources.flatMap((f) =>
      // Statements only (SPECIFIER also reads prose such as "from `x`" in comments).
      [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*(['"])([^'"]+)\1/gm)]
        .map((m) => m[2]!)
        .filter((spec) => !spec.startsWith('./'))
        .map((spec) => `${relative(root, f)} imports ${spec}`),
    );
    expect(outside).toEqual([]);
    expect(readFileSync(join(dir, 'src', 'index.ts'), 'utf8')).not.toMatch(/\bimport\(/);
  });
});
