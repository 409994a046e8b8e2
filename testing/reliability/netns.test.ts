// Two hosts in network namespaces: the test (as root) makes two namespaces
// joined by a veth pair, with addresses 10.200.N.1 and 10.200.N.2 that exist
// only inside them, runs a peer in each, cuts the link (the veth end set
// down), restores it, and checks that traffic resumes, that nothing sent is
// lost and that nothing crashes. Skipped, with the reason, where namespaces
// cannot be made (not root, no `ip`, no CAP_SYS_ADMIN). The namespaces are
// deleted afterwards (the veth pair goes with them).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, killChildren, sleep, waitFor } from '@nanomsg-ts/testkit';

const tag = `nnts${process.pid % 100000}`;
const nsA = `${tag}-a`;
const nsB = `${tag}-b`;
const vethA = `${tag}a`.slice(0, 15);
const vethB = `${tag}b`.slice(0, 15);
const subnet = `10.200.${process.pid % 250}`;
const addrA = `${subnet}.1`;
const addrB = `${subnet}.2`;

function ip(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return {
    ok: r.status === 0,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`.trim(),
  };
}

/** Why namespaces cannot be used here, or undefined when they were made. */
function setUp(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  const probe = ip('netns', 'add', nsA);
  if (!probe.ok) return `ip netns add failed: ${probe.out}`;
  const steps: string[][] = [
    ['netns', 'add', nsB],
    ['link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB],
    ['link', 'set', vethA, 'netns', nsA],
    ['link', 'set', vethB, 'netns', nsB],
    ['-n', nsA, 'addr', 'add', `${addrA}/24`, 'dev', vethA],
    ['-n', nsB, 'addr', 'add', `${addrB}/24`, 'dev', vethB],
    ['-n', nsA, 'link', 'set', vethA, 'up'],
    ['-n', nsB, 'link', 'set', vethB, 'up'],
    ['-n', nsA, 'link', 'set', 'lo', 'up'],
    ['-n', nsB, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = ip(...step);
    if (!r.ok) return `ip ${step.join(' ')} failed: ${r.out}`;
  }
  return undefined;
}

let skipReason: string | undefined;
beforeAll(() => {
  skipReason = setUp();
  if (skipReason !== undefined) console.log(`netns tests skipped: ${skipReason}`);
});
afterAll(async () => {
  await killChildren();
  ip('netns', 'del', nsA);
  ip('netns', 'del', nsB);
});

const inNs = (ns: string) => ['ip', 'netns', 'exec', ns];
const port = () => 20000 + Math.floor(Math.random() * 12768);

function received(child: Child): number[] {
  return child.stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

describe('two hosts in network namespaces, the link cut and restored', () => {
  it('PUSH in one namespace, PULL in the other: the stream stops while the link is down for 3 s and resumes after, in order, with nothing lost; both exit 0', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip(skipReason);
    const where = `tcp://${addrA}:${port()}`;
    const pull = new Child('pull-peer.mjs', [where], { wrap: inNs(nsA), timeout: 60_000 });
    await pull.line((l) => l.startsWith('{"bound"'));
    const push = new Child('push-stream.mjs', [where, '100'], { wrap: inNs(nsB), timeout: 60_000 });
    await waitFor(() => received(pull).length >= 1000, '1000 messages before the cut', 15_000);
    expect(ip('-n', nsB, 'link', 'set', vethB, 'down').ok).toBe(true);
    await sleep(500);
    const atCut = received(pull).length;
    await sleep(2500);
    const duringCut = received(pull).length - atCut;
    expect(ip('-n', nsB, 'link', 'set', vethB, 'up').ok).toBe(true);
    const restored = Date.now();
    await waitFor(
      () => received(pull).length >= atCut + duringCut + 1000,
      '1000 messages after the link came back',
      30_000,
    );
    const resumedMs = Date.now() - restored;
    process.kill(push.process.pid!, 'SIGTERM');
    const pushed = await push.done;
    const sent = (push.json<{ done?: boolean; sent: number }>().find((m) => m.done) ?? { sent: -1 })
      .sent;
    await waitFor(() => received(pull).at(-1) === sent - 1, 'every message sent to arrive', 15_000);
    const got = received(pull);
    const pulled = await pull.kill('SIGTERM');
    console.log(
      `netns push/pull: ${got.length} of ${sent} received; ${duringCut} arrived in the last 2.5 s of the 3 s cut; ` +
        `1000 more within ${resumedMs} ms of the link coming back`,
    );
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pulled.signal === 'SIGTERM' || pulled.code === 0, pulled.stderr).toBe(true);
    expect(duringCut).toBe(0);
    expect(got.length).toBe(sent);
    expect(got.every((s, i) => s === i)).toBe(true);
  }, 90_000);

  it('REQ in one namespace, REP in the other: requests made while the link is down are answered after it comes back; every one answered', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip(skipReason);
    const where = `tcp://${addrA}:${port()}`;
    const rep = new Child('rep-worker.mjs', [where, 'A', '0'], {
      wrap: inNs(nsA),
      timeout: 60_000,
    });
    await rep.line('bound');
    const COUNT = 3000;
    const req = new Child('req-client.mjs', [where, String(COUNT), '500'], {
      wrap: inNs(nsB),
      timeout: 60_000,
    });
    const answered = () =>
      req.json<{ answered?: number }>().filter((m) => m.answered !== undefined).length;
    await waitFor(() => answered() >= 300, '300 answers before the cut', 15_000);
    expect(ip('-n', nsA, 'link', 'set', vethA, 'down').ok).toBe(true);
    await sleep(500);
    const atCut = answered();
    await sleep(2500);
    const duringCut = answered() - atCut;
    expect(ip('-n', nsA, 'link', 'set', vethA, 'up').ok).toBe(true);
    const restored = Date.now();
    await waitFor(
      () => answered() > atCut + duringCut,
      'an answer after the link came back',
      30_000,
    );
    const resumedMs = Date.now() - restored;
    const done = await req.done;
    await rep.kill('SIGTERM');
    console.log(
      `netns req/rep: ${answered()} of ${COUNT} answered; ${duringCut} during the cut; first answer ${resumedMs} ms after the link came back`,
    );
    expect(done.code, done.stderr).toBe(0);
    expect(req.json().some((m) => m.done === true)).toBe(true);
    expect(answered()).toBe(COUNT);
    expect(duringCut).toBe(0);
  }, 90_000);
});
