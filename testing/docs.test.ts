// The API reference (typedoc.json, `pnpm docs`): TypeDoc builds it from every
// public package with no warning, every public member documented; and each
// protocol class documents, for itself and each of its own members, the
// nanomsg function or option it wraps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolPackages, publicPackages, root, socketClasses } from '../scripts/packages.mjs';

const work = mkdtempSync(join(tmpdir(), 'nanomsg-ts-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const typedocBin = join(
  dirname(createRequire(join(root, 'package.json')).resolve('typedoc/package.json')),
  'bin',
  'typedoc',
);

let output = '';
let status: number | null = null;

beforeAll(() => {
  // typedoc.json as `pnpm docs` uses it, written elsewhere than docs/api, and
  // with the warnings reported here rather than stopping the output (the
  // second test reads the JSON output).
  const result = spawnSync(
    process.execPath,
    [
      typedocBin,
      '--out',
      join(work, 'html'),
      '--json',
      join(work, 'api.json'),
      '--treatWarningsAsErrors',
      'false',
      '--logLevel',
      'Warn',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 170_000,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  if (result.error) throw result.error;
  output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  status = result.status;
}, 180_000);

/** The warnings, one line per undocumented member (TypeDoc repeats them for every subclass). */
function warnings(): string[] {
  const lines = output.split('\n').filter((line) => /^\[(warning|error)\]/.test(line));
  const undocumented = new Set<string>();
  const other: string[] = [];
  for (const line of lines) {
    const m =
      /^\[warning\] @nanomsg-ts\/[\w-]+\.[\w$]+\.(\S+) \((\w+)\), defined in (\S+), does not have any documentation/.exec(
        line,
      );
    if (m) undocumented.add(`${m[3]}: ${m[1]} (${m[2]})`);
    else if (!/^\[(warning|error)\] Found \d+ errors and \d+ warnings/.test(line)) other.push(line);
  }
  return [...[...undocumented].sort().map((entry) => `undocumented: ${entry}`), ...other];
}

describe('API reference (typedoc)', () => {
  it('builds with no warning: every public member of every package documented', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
    expect(config).toMatchObject({
      entryPointStrategy: 'packages',
      out: 'docs/api',
      treatWarningsAsErrors: true,
      validation: { notDocumented: true },
    });
    expect(warnings()).toEqual([]);
    expect(status, output).toBe(0);
  });

  it('covers every published TypeScript package (typedoc.json)', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
    const documented = publicPackages().filter((p) => p.name !== '@nanomsg-ts/native');
    expect([...config.entryPoints].sort()).toEqual(documented.map((p) => p.folder).sort());
    expect([...config.packagesRequiringDocumentation].sort()).toEqual(
      documented.map((p) => p.name).sort(),
    );
  });

  it('names the nanomsg function or option each protocol class and its own members wrap', async () => {
    interface Reflection {
      name: string;
      kind: number;
      comment?: { summary: { text: string }[]; blockTags?: { content: { text: string }[] }[] };
      signatures?: Reflection[];
      getSignature?: Reflection;
      setSignature?: Reflection;
      children?: Reflection[];
      inheritedFrom?: unknown;
    }
    const project = JSON.parse(readFileSync(join(work, 'api.json'), 'utf8')) as Reflection;
    const text = (r: Reflection | undefined): string =>
      r?.comment
        ? [...r.comment.summary, ...(r.comment.blockTags ?? []).flatMap((t) => t.content)]
            .map((p) => p.text)
            .join('')
        : '';
    const documentation = (r: Reflection): string =>
      [r, ...(r.signatures ?? []), r.getSignature, r.setSignature].map(text).join(' ');
    const namesNanomsg = /\bnn_\w+|\bNN_\w+|\bAF_SP(?:_RAW)?\b/;
    const classes: Record<string, string[]> = Object.fromEntries(
      await Promise.all(protocolPackages().map(async (p) => [p.name, await socketClasses(p)])),
    );
    const missing: string[] = [];
    let checked = 0;
    for (const [module, names] of Object.entries(classes)) {
      const mod = project.children?.find((c) => c.name === module);
      expect(mod, module).toBeDefined();
      for (const name of names) {
        const cls = mod!.children?.find((c) => c.name === name);
        expect(cls, `${module}.${name}`).toBeDefined();
        for (const member of [cls!, ...(cls!.children ?? []).filter((c) => !c.inheritedFrom)]) {
          checked++;
          if (!namesNanomsg.test(documentation(member)))
            missing.push(`${module}.${name}.${member.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});
