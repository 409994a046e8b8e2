// terminate() is process-wide and for good, so each case runs in a child
// process (fixtures/), which must exit by itself afterwards.
import { describe, expect, it } from 'vitest';
import { reported, runFixture } from '@nanomsg-ts/testkit';

describe('terminate()', () => {
  it('settles every pending operation and the running device with ETERM, fails later calls, and lets the process exit', async () => {
    const child = await runFixture('terminate.mjs', [], { timeout: 15_000 }).done;
    expect(child.stderr).toBe('');
    expect(child.timedOut).toBe(false);
    expect(child.code).toBe(0);
    expect(reported(child.stdout)).toEqual({
      'through-device': 'ping/pong',
      first: '1',
      device: 'ETERM',
      recv: 'ETERM',
      iterate: 'ETERM',
      poll: 'ETERM',
      send: 'ETERM',
      recvMessage: 'ETERM',
      'tryRecv-after': 'ETERM',
      'send-after': 'ETERM',
      'recv-after': 'ETERM',
      'bind-after': 'ETERM',
      'new-socket-after': 'ETERM',
      'device-after': 'ETERM',
      'poll-after': 'ETERM',
      'terminate-again': 'no error',
      'close-after': 'resolved',
      done: 'yes',
    });
  });

  it.each(['main', 'worker'])(
    "called in the %s thread, settles both threads' pending recv and device with ETERM",
    async (who) => {
      const child = await runFixture('terminate-worker.mjs', [who], { timeout: 15_000 }).done;
      expect(child.stderr).toBe('');
      expect(child.timedOut).toBe(false);
      expect(child.code).toBe(0);
      expect(reported(child.stdout)).toEqual({
        'main-recv': 'ETERM',
        'main-device': 'ETERM',
        'worker-recv': 'ETERM',
        'worker-device': 'ETERM',
        'main-new-socket': 'ETERM',
      });
    },
  );
});

describe('poll() leaves nothing behind', () => {
  it('a process whose polls have settled exits by itself, sockets open and a message unread', async () => {
    const child = await runFixture('poll-exit.mjs', [], { timeout: 10_000 }).done;
    expect(child.stderr).toBe('');
    expect(child.timedOut).toBe(false);
    expect(child.code).toBe(0);
    expect(reported(child.stdout)).toEqual({ ready: 'true', 'timed-out': 'true' });
  });
});
