import { configDefaults, defineConfig } from 'vitest/config';

// Six projects, one kind of test each; `pnpm test` runs them all (one JSON
// report with NANOMSG_TS_TEST_REPORT, see scripts/vitest-run.mjs). Build
// first (`pnpm build`), then run one kind with
// `pnpm vitest run --project <name>` (or `pnpm test --project <name>`):
//   unit         native/test and packages/*/test: the addon, core and each
//                protocol package, and the type tests (*.test-d.ts); and the
//                test kit's own (testing/kit/test)
//   interop      packages/*/test/interop-*.test.ts: against nanocat and
//                Perl's NanoMsg::Raw (nanomsg-utils, libnanomsg-raw-perl)
//   reliability  testing/reliability: faults, fuzzing, hostile peers, network
//                namespaces (slow; the netns tests need root)
//   repository   testing/*.test.ts: packaging, publint, docs, bundles,
//                changesets, guards, declarations, examples
//   browser      testing/browser: @nanomsg-ts/web in a headless Chromium
//                (Debian's chromium, driven by playwright-core) against our
//                Node.js sockets and nanocat over ws://, and through the
//                proxy example over wss:// (proxy.test.ts: nginx, openssl)
//   proxy        testing/proxy: the browser example's nginx in front of a ws
//                endpoint (examples/web/proxy; needs nginx and openssl)
// Every test file runs in a forked child process with --expose-gc, so
// GC-driven behaviour (unclosed sockets closed when collected) can be tested.
const interop = 'packages/*/test/**/interop-*.test.ts';
// Node.js 20 has the standard WebSocket (that @nanomsg-ts/web's tests use)
// behind a flag; 22 and later have it on.
const webSocketFlag = process.versions.node.startsWith('20.') ? ['--experimental-websocket'] : [];

export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc', ...webSocketFlag],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'native/test/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'testing/kit/test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, interop],
          typecheck: {
            enabled: true,
            include: ['packages/*/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      { extends: true, test: { name: 'interop', include: [interop] } },
      {
        extends: true,
        test: { name: 'reliability', include: ['testing/reliability/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'repository', include: ['testing/*.test.ts'] } },
      { extends: true, test: { name: 'proxy', include: ['testing/proxy/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['testing/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: vitest runs the files of a project with
          // maxWorkers 1 one by one, after every other project's files.
          maxWorkers: 1,
        },
      },
    ],
  },
});
