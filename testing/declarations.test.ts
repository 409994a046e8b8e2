// The built declarations (packages/*/dist/*.d.ts) as an older TypeScript
// project sees them: target and lib ES2020, skipLibCheck false, so a type
// that only newer libs declare (ErrorOptions is ES2022) fails the consumer's
// build. The consumer lives in a temporary folder whose node_modules link to
// the workspace's packages and to @types/node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicPackages, root } from '../scripts/packages.mjs';

const work = mkdtempSync(join(tmpdir(), 'nanomsg-ts-declarations-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the built declarations', () => {
  it('type-check in an ES2020 consumer (lib ES2020, skipLibCheck false, strict)', () => {
    const modules = join(work, 'node_modules');
    mkdirSync(join(modules, '@nanomsg-ts'), { recursive: true });
    mkdirSync(join(modules, '@types'), { recursive: true });
    for (const p of publicPackages()) {
      symlinkSync(p.dir, join(modules, p.name), 'dir');
    }
    const require = createRequire(join(root, 'package.json'));
    symlinkSync(
      dirname(require.resolve('@types/node/package.json')),
      join(modules, '@types', 'node'),
      'dir',
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2020',
          lib: ['ES2020'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['app.mts'],
      }),
    );
    writeFileSync(
      join(work, 'app.mts'),
      `import { NanomsgError, Socket, poll, symbols, type SocketOptions } from '@nanomsg-ts/core';
import { Pair } from '@nanomsg-ts/pair';
import { Pub, Sub } from '@nanomsg-ts/pubsub';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { Pull, Push } from '@nanomsg-ts/pipeline';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import { Bus } from '@nanomsg-ts/bus';

const options: SocketOptions = { receiveTimeout: 100 };
const sock = new Socket('NN_PAIR', options);
const sockets = [sock, new Pair(), new Pub(), new Sub(), new Req(), new Rep(), new Push(), new Pull(), new Surveyor(), new Respondent(), new Bus()];
export async function main(): Promise<void> {
  try {
    await sock.recv({ timeout: 10 });
  } catch (error) {
    if (NanomsgError.isInstance(error)) console.log(error.code, error.errno, error.syscall);
  }
  await poll([{ socket: sock, in: true }], 0);
  console.log(symbols().length, sock.getOption('NN_SNDBUF'));
  await Promise.all(sockets.map((s) => s.close()));
}
`,
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.error) throw result.error;
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);
});
