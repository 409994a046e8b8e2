// BUG (native): a process whose main thread never loads the addon, while a
// worker thread does, crashes (SIGSEGV) when that worker ends. Node unloads
// (dlclose) an addon that only a worker loaded when the worker's environment
// is torn down, but the addon still has libuv callbacks pending on the
// worker's loop (uv_close callbacks of its handles, the uv_queue_work of
// closing an unclosed socket), whose code is gone by the time they run.
// See the report for details. These tests assert the correct behaviour.
import { describe, expect, it } from 'vitest';
import { runDir, runFixture } from './helpers.js';

describe('process whose sockets live only in worker threads', () => {
  it('a worker that closed all its sockets ends, and the process exits 0', async () => {
    const result = await runFixture('worker-only.mjs', ['closed', '2', runDir], { timeout: 10_000 }).done;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout).toContain('worker 1 exit 0');
    expect(result.code).toBe(0);
  });

  it('a worker that ends with its sockets open ends, and the process exits 0', async () => {
    const result = await runFixture('worker-only.mjs', ['unclosed', '2', runDir], { timeout: 10_000 }).done;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout).toContain('worker 1 exit 0');
    expect(result.code).toBe(0);
  });
});
