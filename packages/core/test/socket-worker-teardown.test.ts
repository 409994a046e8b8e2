// Regression tests for a native bug (fixed in 4dcf16e): worker environments
// that ended left libuv work behind.
// 1. A process whose main thread never loaded the addon, while a worker did,
//    crashed (SIGSEGV) when that worker ended: Node unloads (dlclose) an addon
//    only a worker loaded when the worker's environment is torn down, but the
//    addon still had callbacks pending on the worker's loop (the uv_close
//    callback of its terminate uv_async_t, the after-work callback of the
//    uv_queue_work that closed an unclosed socket), whose code was gone.
// 2. Terminating a worker whose sockets were still open aborted the whole
//    process now and then ("uv_loop_close() while having open handles"): the
//    unclosed sockets' nn_close was queued on the worker's loop with
//    uv_queue_work while that loop was being closed.
// These tests run in child processes and assert the correct behaviour.
import { describe, expect, it } from 'vitest';
import { runDir, runFixture } from '@nanomsg-ts/testkit';

describe('process whose sockets live only in worker threads', () => {
  it('a worker that closed all its sockets ends, and the process exits 0', async () => {
    const result = await runFixture('worker-only.mjs', ['closed', '2', runDir], { timeout: 10_000 })
      .done;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout).toContain('worker 1 exit 0');
    expect(result.code).toBe(0);
  });

  it('a worker that ends with its sockets open ends, and the process exits 0', async () => {
    const result = await runFixture('worker-only.mjs', ['unclosed', '2', runDir], {
      timeout: 10_000,
    }).done;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout).toContain('worker 1 exit 0');
    expect(result.code).toBe(0);
  });

  it('workers terminated with a pending recv and open sockets: the process survives, the addresses are released, exit 0', async () => {
    const result = await runFixture('worker-terminate.mjs', ['30'], { timeout: 20_000 }).done;
    expect(result.signal, result.stderr.slice(0, 400)).toBeNull();
    expect(result.stdout).toContain('worker 29 terminated 1');
    expect(result.stdout).toContain('done');
    expect(result.code).toBe(0);
  });
});
