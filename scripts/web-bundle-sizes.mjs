#!/usr/bin/env node
// Bundles @nanomsg-ts/web for the browser with esbuild, one socket class at a
// time (`import { Sub } from '@nanomsg-ts/web'`), and all of it, minified, and
// prints the sizes as a Markdown table (--json: the rows). A page that uses
// one class should carry that class and the shared parts, nothing else:
// testing/web-treeshake.test.ts checks it. Build first (`pnpm build`).
//
// Usage: node scripts/web-bundle-sizes.mjs [--json]
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { markdownTable } from './bundle-sizes.mjs';
import { root } from './packages.mjs';

const { build } = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));

/** The socket classes of @nanomsg-ts/web, each with the subprotocol it offers its server. */
export const webClasses = {
  Pair: 'pair.sp.nanomsg.org',
  Pub: 'sub.sp.nanomsg.org',
  Sub: 'pub.sp.nanomsg.org',
  Req: 'rep.sp.nanomsg.org',
  Rep: 'req.sp.nanomsg.org',
  Push: 'pull.sp.nanomsg.org',
  Pull: 'push.sp.nanomsg.org',
  Bus: 'bus.sp.nanomsg.org',
  Surveyor: 'respondent.sp.nanomsg.org',
  Respondent: 'surveyor.sp.nanomsg.org',
};

/**
 * A page's bundle of `names` from the built package: its code and the package
 * modules in it. `minify` false still drops comments (they name every protocol).
 */
export async function bundleWeb(names, minify = true) {
  const dir = join(root, 'packages', 'web');
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from './dist/index.js';`,
      resolveDir: dir,
      sourcefile: 'page.mjs',
      loader: 'js',
    },
    absWorkingDir: root,
    bundle: true,
    write: false,
    outfile: join(root, 'page.bundle.mjs'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    ...(minify ? { minify: true } : { minifyWhitespace: true }),
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output.inputs)
    .filter(([path, { bytesInOutput }]) => bytesInOutput > 0 && path.includes('dist/'))
    .map(([path]) => relative(dir, join(root, path)).split('\\').join('/'));
  return { code: result.outputFiles[0].text, inputs };
}

/** Minified and gzipped sizes of each class alone and of the whole package. */
export async function measureWeb() {
  const rows = [];
  const entries = [
    ...Object.keys(webClasses).map((name) => ({ bundle: name, names: [name] })),
    { bundle: 'all of @nanomsg-ts/web', names: [...Object.keys(webClasses), 'NanomsgError'] },
  ];
  for (const { bundle, names } of entries) {
    const { code, inputs } = await bundleWeb(names);
    rows.push({
      bundle,
      minifiedBytes: Buffer.byteLength(code),
      gzipBytes: gzipSync(code, { level: 9 }).length,
      inputs,
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measureWeb();
  console.log(
    process.argv.includes('--json') ? JSON.stringify(rows, null, 2) : markdownTable(rows),
  );
}
