// Crashes the API fuzzer (fuzz.test.ts) found, kept as regression tests. Each
// runs in a child process (./fixtures/fuzz-findings.mjs), which libnanomsg
// 1.1.5 aborted (SIGABRT) before the fix.
import { afterEach, describe, expect, it } from 'vitest';
import { Child, killChildren } from '@nanomsg-ts/testkit';

afterEach(killChildren);

async function run(scenario: string): Promise<Record<string, unknown>> {
  const child = new Child('fuzz-findings.mjs', [scenario], { timeout: 20_000 });
  const result = await child.done;
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  const [out] = child.json();
  expect(out).toBeDefined();
  return out!;
}

describe('crashes found by the API fuzzer', () => {
  it('ipv4Only false and a connect to an IPv4 literal: EINVAL at once, not an abort one reconnect interval later; the IPv4-mapped literal and a host name deliver', async () => {
    expect(await run('ipv4only-false-ipv4-literal')).toEqual({
      scenario: 'ipv4only-false-ipv4-literal',
      literal: { error: 'EINVAL' },
      '[::ffff:127.0.0.1]': '[::ffff:127.0.0.1]',
      localhost: 'localhost',
    });
  });

  it('`raw` cannot be overwritten on a cooked socket, so sendMessage never hands the library an SP header (req.c assertion)', async () => {
    expect(await run('cooked-raw-overwritten')).toEqual({
      scenario: 'cooked-raw-overwritten',
      assign: { error: 'TypeError' },
      raw: false,
      sendMessage: { error: 'EINVAL' },
    });
  });

  it('`protocol` cannot be overwritten on a SUB, so the guard against unsubscribing an empty SUB holds (SIGSEGV)', async () => {
    expect(await run('sub-protocol-overwritten')).toEqual({
      scenario: 'sub-protocol-overwritten',
      assign: { error: 'TypeError' },
      protocol: 'NN_SUB',
      unsubscribe: { error: 'EINVAL' },
    });
  });

  it('NN_REQ_RESEND_IVL and NN_SURVEYOR_DEADLINE below 0 are a RangeError, not an abort in nn_timer_start (timer.c) at the next request or survey', async () => {
    expect(await run('negative-protocol-timers')).toEqual({
      scenario: 'negative-protocol-timers',
      resendInterval: { error: 'RangeError' },
      deadline: { error: 'RangeError' },
      exchange: 'ping-pong vote? yes',
    });
  });

  it('an option name with another level is ENOPROTOOPT, not the same-numbered option of that level in the wrong type (NN_LINGER -1 at NN_REQ aborted)', async () => {
    expect(await run('option-at-another-level')).toEqual({
      scenario: 'option-at-another-level',
      linger: { error: 'ENOPROTOOPT' },
      subscribe: { error: 'ENOPROTOOPT' },
      ownLevel: { ok: true },
      exchange: 'ping-pong vote? yes',
    });
  });
});
