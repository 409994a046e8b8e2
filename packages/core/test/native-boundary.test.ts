// Regression tests for crashes at the native boundary, each a program that
// killed the process (SIGSEGV, or an abort in libnanomsg's sinproc.c/binproc.c
// or in N-API) before its fix. Each scenario of ./fixtures/native-boundary.mjs
// runs in 20 child processes, two at a time; every one must exit 0.
// - inproc: libnanomsg 1.1.5 lets one end of an inproc pipe raise events into
//   the other end's socket without holding it, so ending a pipe (nn_close)
//   raced with calls on its peer from another thread (our close runs on the
//   thread pool; devices and workers have threads of their own). Fixed by the
//   addon's inproc gate (native/src/inproc_gate.h).
// - workers: N-API calls fail once a worker's environment is going away
//   (worker.terminate(), process.exit in a worker); node-addon-api aborted the
//   process on such a failure instead of returning.
import { describe, expect, it } from 'vitest';
import { runDir, runFixture } from '@nanomsg-ts/testkit';

const RUNS = 20;
const AT_ONCE = 2;

async function survivesEveryRun(scenario: string): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < RUNS) {
      next += 1;
      const result = await runFixture('native-boundary.mjs', [scenario, runDir], {
        timeout: 60_000,
      }).done;
      if (result.code !== 0 || !result.stdout.includes('ok')) {
        failures.push(
          `exit ${result.code} signal ${result.signal}${result.timedOut ? ' (timed out)' : ''}: ` +
            result.stderr.split('\n').slice(0, 3).join(' | '),
        );
      }
    }
  }
  await Promise.all(Array.from({ length: AT_ONCE }, lane));
  expect(failures, `${failures.length} of ${RUNS} runs failed`).toEqual([]);
}

describe('an inproc pipe ended while its peer is used from another thread', () => {
  it.each([
    [
      'inproc-close-while-peer-sends',
      'closing one end (on the thread pool) while this thread sends on the other',
    ],
    [
      'inproc-subscribers-close-while-pub-publishes',
      'SUBs connecting, receiving and closing while a PUB publishes on a timer',
    ],
    ['inproc-device-peer-closed', "a device's thread forwarding into a peer that is being closed"],
    [
      'inproc-worker-closes-while-main-sends',
      'a worker closing (or ending with) the other end while the main thread sends',
    ],
    [
      'inproc-connect-while-binder-closes',
      'connecting to an address whose bound socket is being closed',
    ],
  ])('%s: %s, 20 processes, no crash', async (scenario) => survivesEveryRun(scenario), 240_000);
});

describe('a worker whose environment goes away during a native call or callback', () => {
  it.each([
    [
      'worker-terminated-while-receiving',
      'worker.terminate() while the worker receives (16 B, 1 KB, 100 KB)',
    ],
    ['worker-terminated-while-sending', 'worker.terminate() while the worker sends'],
    [
      'worker-closes-then-exits',
      "close() then process.exit(0) in a worker: the close settles during the worker's teardown",
    ],
    [
      'terminate-then-workers-with-devices-end',
      'terminate(), then worker.terminate() while the workers run devices',
    ],
    [
      'terminate-while-workers-end',
      'terminate() at the moment workers end (an environment half torn down deadlocked it)',
    ],
    [
      'workers-end-with-devices-running',
      'workers ending while their devices forward (their JavaScript side was leaked)',
    ],
  ])('%s: %s, 20 processes, no crash', async (scenario) => survivesEveryRun(scenario), 240_000);
});
