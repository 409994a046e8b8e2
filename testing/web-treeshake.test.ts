// Tree-shaking of @nanomsg-ts/web: a page bundled with esbuild that imports
// one socket class carries that class (its subprotocol) and no other's, and
// the sizes are written to test-results/web-bundle-sizes.json
// (`node scripts/web-bundle-sizes.mjs` prints them as the README's table).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../scripts/packages.mjs';
import { bundleWeb, measureWeb, webClasses } from '../scripts/web-bundle-sizes.mjs';

const entries = Object.entries(webClasses);

describe.each(entries)('a page importing only %s', (name, subprotocol) => {
  it('carries its own protocol and no other', async () => {
    const { code, inputs } = await bundleWeb([name], false);
    expect(code).toContain(subprotocol);
    const others = entries.filter(([, p]) => p !== subprotocol && !code.includes(p)).length;
    expect(others).toBe(entries.length - 1);
    expect(inputs).toContain('dist/socket.js');
    expect(inputs.filter((path) => path.endsWith(`/${name.toLowerCase()}.js`))).toHaveLength(1);
  });
});

describe('bundle sizes of @nanomsg-ts/web', () => {
  it('one class is well under the whole package; the sizes are written down', async () => {
    const rows = await measureWeb();
    const whole = rows.find((r) => r.bundle.startsWith('all'))!;
    for (const row of rows.filter((r) => r !== whole)) {
      expect(row.minifiedBytes, row.bundle).toBeLessThan(whole.minifiedBytes * 0.75);
    }
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(
      join(root, 'test-results', 'web-bundle-sizes.json'),
      JSON.stringify(rows, null, 2),
    );
  });
});
