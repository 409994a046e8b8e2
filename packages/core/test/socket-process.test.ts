// Whole-process behaviour, in child processes running ./fixtures: a process
// exits by itself with idle sockets open, stays alive while a recv waits, and
// sockets dropped unclosed are closed when collected.
import { describe, expect, it } from 'vitest';
import { Socket } from '@nanomsg-ts/core';
import {
  runDir,
  runFixture,
  sleep,
  coreTransports as transports,
  useSockets,
} from '@nanomsg-ts/testkit';

const open = useSockets();

describe.each(transports)('process exit with sockets open over %s', (transport) => {
  it('idle sockets (bound, connected, after a finished recv, after a recv and a send that waited, whose watchers may be kept) do not keep the process alive: exits 0 by itself', async () => {
    const result = await runFixture('exit-idle.mjs', [transport, runDir], { timeout: 5000 }).done;
    expect(result.timedOut, 'the process had to be killed').toBe(false);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('received hello');
    expect(result.stdout).toContain('ready');
    expect(result.code).toBe(0);
    expect(result.elapsed).toBeLessThan(5000);
  });

  it('a pending recv keeps the process alive until its message comes, then it exits 0', async () => {
    const result = await runFixture('pending-recv.mjs', [transport, runDir, 'self'], {
      timeout: 5000,
    }).done;
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    // Exit code 13 would mean the loop ran dry with the recv still unsettled.
    expect(result.code).toBe(0);
    const ms = Number(/got wake after (\d+) ms/.exec(result.stdout)?.[1]);
    expect(ms).toBeGreaterThanOrEqual(290);
  });
});

describe.each(['ipc', 'tcp'] as const)(
  'process with a pending recv, message from another process, over %s',
  (transport) => {
    it('does not exit while it waits; exits 0 once the message came', async () => {
      const child = runFixture('pending-recv.mjs', [transport, runDir, 'external'], {
        timeout: 8000,
      });
      await child.line('waiting');
      const where = /^address (\S+)$/m.exec(child.stdout)?.[1];
      expect(where, child.stdout).toBeDefined();
      await sleep(400);
      expect(child.running, 'exited while its recv was pending').toBe(true);
      expect(child.stdout).not.toContain('got');
      const push = open('NN_PUSH');
      push.connect(where!);
      await push.send('wake');
      const result = await child.done;
      expect(result.timedOut).toBe(false);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/got wake after \d+ ms/);
      expect(result.code).toBe(0);
    });
  },
);

describe('Socket collected unclosed', () => {
  it('1,000 sockets dropped unclosed in batches are closed when collected: the child makes all 1,000 (limit 512)', async () => {
    const result = await runFixture('gc-unclosed.mjs', ['drop'], {
      timeout: 15_000,
      execArgv: ['--expose-gc'],
    }).done;
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ made: 1000, failure: null });
    expect(result.code).toBe(0);
  });

  it('control: keeping them referenced runs into the limit (EMFILE at 512)', async () => {
    const result = await runFixture('gc-unclosed.mjs', ['keep'], {
      timeout: 15_000,
      execArgv: ['--expose-gc'],
    }).done;
    expect(result.timedOut).toBe(false);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ made: 512, failure: 'EMFILE' });
    expect(result.code).toBe(3);
  });

  it('in this process too: a dropped socket is collected and its inproc address freed', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const where = `inproc://collected-${process.pid}`;
    let ref: WeakRef<Socket> | undefined;
    (() => {
      const dropped = new Socket('NN_PAIR');
      dropped.bind(where);
      ref = new WeakRef(dropped);
    })();
    const again = open('NN_PAIR');
    const deadline = Date.now() + 5000;
    for (;;) {
      gc!();
      await sleep(10);
      try {
        again.bind(where);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE' || Date.now() > deadline)
          throw error;
      }
    }
    expect(ref!.deref()).toBeUndefined();
  });
});
