import { defineConfig } from 'vitest/config';

// Native tests run in forked child processes with --expose-gc, so GC-driven
// behaviour (unclosed sockets closed when collected) can be tested directly.
export default defineConfig({
  test: {
    include: ['native/test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'testing/**/*.test.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: {
      enabled: true,
      include: ['packages/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
