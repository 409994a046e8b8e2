#!/usr/bin/env node
// Bundles each protocol package with esbuild the way an application would
// (ES module for Node.js, @nanomsg-ts/native external, minified) and prints
// the sizes as the Markdown table of the README's "Bundle sizes" section.
// Each bundle is `export * from '@nanomsg-ts/<package>'`: everything that
// package offers, with what it needs of core and nothing else.
// Build first (`pnpm build`). Used by testing/treeshake.test.ts too.
//
// Usage: node scripts/bundle-sizes.mjs [--json]
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { protocolPackages, root } from './packages.mjs';

const { build } = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));

/** The protocol packages, by folder name under packages/ (e.g. `pubsub`). */
export const protocols = protocolPackages().map((pkg) => pkg.short);

/**
 * Bundles an entry (a file, or `contents` of an ES module) for Node.js, with
 * @nanomsg-ts/native left external (`minify`: true, false, or 'whitespace'
 * to drop comments but keep names). Bare imports resolve from examples/,
 * whose package depends on every package. Returns the code, the metafile,
 * `parsed` (every module esbuild read) and `inputs` (the modules with code in
 * the output), both as paths relative to the repository root, the entry left out.
 */
export async function bundle({ entry, contents, minify = false }) {
  const result = await build({
    ...(entry !== undefined
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents,
            resolveDir: join(root, 'examples'),
            sourcefile: 'app.mjs',
            loader: 'js',
          },
        }),
    absWorkingDir: root,
    bundle: true,
    write: false,
    outfile: join(root, 'app.bundle.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // 'whitespace' drops comments and layout but keeps every name.
    ...(minify === 'whitespace' ? { minifyWhitespace: true } : { minify }),
    external: ['@nanomsg-ts/native'],
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const entryPath = entry !== undefined ? resolve(root, entry) : join(root, 'examples', 'app.mjs');
  const tidy = (paths) =>
    paths
      .map((path) => resolve(root, path))
      .filter((path) => path !== entryPath)
      .map((path) => relative(root, path).split('\\').join('/'));
  const [output] = Object.values(result.metafile.outputs);
  return {
    code,
    metafile: result.metafile,
    parsed: tidy(Object.keys(result.metafile.inputs)),
    inputs: tidy(
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([path]) => path),
    ),
  };
}

/** Minified and gzipped sizes of core alone, each protocol package, and all of them together. */
export async function measure() {
  const entries = [
    { label: '@nanomsg-ts/core', contents: `export * from '@nanomsg-ts/core';` },
    ...protocols.map((name) => ({
      label: `@nanomsg-ts/${name}`,
      contents: `export * from '@nanomsg-ts/${name}';`,
    })),
    {
      label: 'all protocol packages',
      contents: protocols
        .map((name) => `export * as ${name} from '@nanomsg-ts/${name}';`)
        .join('\n'),
    },
  ];
  const rows = [];
  for (const { label, contents } of entries) {
    const { code, inputs } = await bundle({ contents, minify: true });
    rows.push({
      bundle: label,
      minifiedBytes: Buffer.byteLength(code),
      gzipBytes: gzipSync(code, { level: 9 }).length,
      inputs,
    });
  }
  return rows;
}

/** The rows as a Markdown table. */
export function markdownTable(rows) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const table = [
    ['bundle', 'minified', 'gzip', 'modules'],
    ...rows.map((r) => [
      r.bundle.startsWith('@') ? `\`${r.bundle}\`` : r.bundle,
      kib(r.minifiedBytes),
      kib(r.gzipBytes),
      String(r.inputs.length),
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(table[0]), rule, ...table.slice(1).map(line)].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measure();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else console.log(markdownTable(rows));
}
