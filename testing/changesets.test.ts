// Every package is versioned on its own: in a throw-away git repository holding
// this workspace's package.json files and changesets configuration, a
// changeset naming one protocol package bumps that package alone and writes
// its own CHANGELOG.md (`changeset version`, the root devDependency).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, workspacePackages } from '../scripts/packages.mjs';

const changesetBin = join(
  dirname(createRequire(join(root, 'package.json')).resolve('@changesets/cli/package.json')),
  'bin.js',
);
const repo = mkdtempSync(join(tmpdir(), 'nanomsg-ts-changesets-'));

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function changesetVersion(): void {
  const result = spawnSync(process.execPath, [changesetBin, 'version'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`changeset version: ${result.stdout}${result.stderr}`);
}

function version(folder: string): string {
  return JSON.parse(readFileSync(join(repo, folder, 'package.json'), 'utf8')).version;
}

/** `git status` as [status, path] pairs, the node_modules link left out. */
function changes(): string[][] {
  return git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter((line) => line && !line.endsWith('node_modules'))
    .map((line) => [line.slice(0, 2).trim(), line.slice(3)])
    .sort((a, b) => a[1]!.localeCompare(b[1]!));
}

function addChangeset(file: string, pkg: string, bump: string, summary: string): void {
  writeFileSync(join(repo, '.changeset', file), `---\n'${pkg}': ${bump}\n---\n\n${summary}\n`);
  git('add', '-A');
  git('commit', '-q', '-m', `changeset for ${pkg}`);
}

let folders: string[] = [];

beforeAll(() => {
  folders = workspacePackages().map((p) => p.folder);
  for (const file of ['package.json', 'pnpm-workspace.yaml'])
    copyFileSync(join(root, file), join(repo, file));
  mkdirSync(join(repo, '.changeset'));
  copyFileSync(join(root, '.changeset', 'config.json'), join(repo, '.changeset', 'config.json'));
  for (const folder of folders) {
    mkdirSync(join(repo, folder), { recursive: true });
    for (const file of ['package.json', 'CHANGELOG.md']) {
      if (existsSync(join(root, folder, file)))
        copyFileSync(join(root, folder, file), join(repo, folder, file));
    }
  }
  // The changelog generator named in config.json resolves from the repository.
  symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
  writeFileSync(join(repo, '.gitignore'), '/node_modules\n');
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'nanomsg-ts test');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'the workspace as it is');
}, 30_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('changesets', () => {
  it('configures independent releases: no fixed or linked groups, public access, baseBranch main', () => {
    const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ fixed: [], linked: [], access: 'public', baseBranch: 'main' });
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.changeset).toBe(
      'changeset',
    );
  });

  it('copied every workspace package into the scratch repository', () => {
    expect(folders).toEqual(
      expect.arrayContaining([
        'native',
        'packages/core',
        'packages/pair',
        'packages/pubsub',
        'examples',
      ]),
    );
    expect(changes()).toEqual([]);
  });

  it('bumps @nanomsg-ts/pair alone, and writes its CHANGELOG, for a changeset naming pair', () => {
    const before = Object.fromEntries(folders.map((folder) => [folder, version(folder)]));
    addChangeset('pair-feature.md', '@nanomsg-ts/pair', 'minor', 'Pair: a new feature.');
    changesetVersion();

    expect(changes()).toEqual([
      ['D', '.changeset/pair-feature.md'],
      [
        existsSync(join(root, 'packages/pair/CHANGELOG.md')) ? 'M' : '??',
        'packages/pair/CHANGELOG.md',
      ],
      ['M', 'packages/pair/package.json'],
    ]);
    const [major, minor] = before['packages/pair']!.split('.').map(Number);
    expect(version('packages/pair')).toBe(`${major}.${minor! + 1}.0`);
    for (const folder of folders.filter((f) => f !== 'packages/pair')) {
      expect(version(folder), folder).toBe(before[folder]);
    }
    // Only the version line changed in package.json.
    const diff = git('diff', '--unified=0', 'packages/pair/package.json')
      .split('\n')
      .filter((line) => /^[-+]\s/.test(line));
    expect(diff).toEqual([
      `-  "version": "${before['packages/pair']}",`,
      `+  "version": "${version('packages/pair')}",`,
    ]);
    const changelog = readFileSync(join(repo, 'packages/pair/CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      new RegExp(
        `^# @nanomsg-ts/pair\\n\\n## ${version('packages/pair').replaceAll('.', '\\.')}\\n`,
      ),
    );
    expect(changelog).toContain('### Minor Changes');
    // The changeset's commit is named when it is known.
    expect(changelog).toMatch(/^- (?:[0-9a-f]{7,}: )?Pair: a new feature\.$/m);
    git('add', '-A');
    git('commit', '-q', '-m', 'version pair');
  });

  it('keeps a changelog per package: a pubsub patch leaves pair and its CHANGELOG alone', () => {
    const pairChangelog = readFileSync(join(repo, 'packages/pair/CHANGELOG.md'), 'utf8');
    const before = version('packages/pubsub');
    addChangeset('pubsub-fix.md', '@nanomsg-ts/pubsub', 'patch', 'PubSub: a fix.');
    changesetVersion();

    expect(changes().map(([, path]) => path)).toEqual([
      '.changeset/pubsub-fix.md',
      'packages/pubsub/CHANGELOG.md',
      'packages/pubsub/package.json',
    ]);
    const [major, minor, patch] = before.split('.').map(Number);
    expect(version('packages/pubsub')).toBe(`${major}.${minor}.${patch! + 1}`);
    expect(readFileSync(join(repo, 'packages/pair/CHANGELOG.md'), 'utf8')).toBe(pairChangelog);
    const changelog = readFileSync(join(repo, 'packages/pubsub/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('### Patch Changes');
    expect(changelog).toMatch(/^- (?:[0-9a-f]{7,}: )?PubSub: a fix\.$/m);
    expect(changelog).not.toContain('Pair: a new feature.');
  });
});
