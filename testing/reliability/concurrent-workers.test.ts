// A concurrent Req and two concurrent Rep workers in their own processes
// (fixtures/concurrent-rep-worker.mjs): one worker is killed with SIGKILL
// while its handlers hold requests. The Req resends each of those on its own
// (short resendInterval) to the live worker, and every request resolves once,
// with its own reply.
import { afterEach, describe, expect, it } from 'vitest';
import { Req } from '@nanomsg-ts/reqrep';
import { Child, address, killChildren, waitFor } from '@nanomsg-ts/testkit';

afterEach(killChildren);

/** The requests a worker printed with `prefix` ("got", "send"). */
const printed = (w: Child, prefix: string): string[] =>
  w.stdout.match(new RegExp(`^${prefix} \\S+$`, 'gm'))?.map((l) => l.slice(prefix.length + 1)) ??
  [];

/** The requests a worker's handlers hold: started, reply not yet returned. */
function held(w: Child): string[] {
  const sent = new Set(printed(w, 'send'));
  return printed(w, 'got').filter((g) => !sent.has(g));
}

const connected = (w: Child): number =>
  Number(
    w.stdout
      .match(/^connections (\d+)$/gm)
      ?.at(-1)
      ?.slice(12) ?? 0,
  );

describe('a concurrent Req whose Rep worker process is killed mid-request', () => {
  it.each(['tcp', 'ipc'] as const)(
    'over %s: every request resolves once with its own reply; those the dead worker held, from the live one',
    async (transport) => {
      const names = ['A', 'B'];
      const where = names.map(() => address(transport));
      const workers = names.map(
        (name, i) => new Child('concurrent-rep-worker.mjs', [where[i]!, name, '20']),
      );
      await Promise.all(workers.map((w) => w.line('bound')));
      // Resends stay rarer than the time a request waits at the live worker
      // (64 at once, 20 ms each), yet come soon after the kill.
      const RESEND = 400;
      const req = new Req({ concurrent: true, resendInterval: RESEND });
      try {
        for (const a of where) req.connect(a);
        await waitFor(
          () => workers.every((w) => connected(w) >= 1),
          'both workers to be connected',
        );
        const N = 600;
        const bodies = Array.from({ length: N }, (_, i) => `job-${i}`);
        const settled = new Map<string, number>();
        const replies = new Map<string, string>();
        const errors: unknown[] = [];
        const all = Promise.all(
          bodies.map((body) =>
            req.request(body, { timeout: 20_000 }).then(
              (reply) => {
                settled.set(body, (settled.get(body) ?? 0) + 1);
                replies.set(body, String(reply));
              },
              (error: unknown) => errors.push(error),
            ),
          ),
        );
        // Kill A once it has answered some, while its handlers hold others
        // (their replies not returned).
        const [a, b] = workers as [Child, Child];
        await waitFor(
          () => printed(a, 'send').length >= 64 && held(a).length >= 10,
          'worker A to have answered 64 requests and to hold 10',
        );
        await a.kill('SIGKILL');
        const heldByA = held(a);
        const killedAt = Date.now();
        await all;
        const recovered = Date.now() - killedAt;
        const byB = printed(b, 'got');
        const twiceAtB = byB.length - new Set(byB).size;
        console.log(
          `${transport}: A held ${heldByA.length} at the kill (got ${printed(a, 'got').length}, sent ${printed(a, 'send').length}); ` +
            `B handled ${byB.length} (${twiceAtB} twice); all answered ${recovered} ms after the kill (resendInterval ${RESEND}); ` +
            `the Req received ${req.statistics().messagesReceived} replies for ${N} requests`,
        );
        expect(errors).toEqual([]);
        expect(settled.size).toBe(N);
        expect([...settled.values()].every((n) => n === 1)).toBe(true);
        for (const body of bodies)
          expect(replies.get(body)).toMatch(new RegExp(`^${body} by [AB]$`));
        expect(heldByA.length).toBeGreaterThan(0);
        expect(
          bodies.filter((body) => replies.get(body)!.endsWith(' by A')).length,
        ).toBeGreaterThan(0);
        for (const body of heldByA)
          expect(replies.get(body), `${body}, held by A`).toBe(`${body} by B`);
        // They came back by resend, not by waiting for a timeout.
        expect(recovered).toBeLessThan(RESEND * 10);
      } finally {
        await req.close();
      }
    },
    60_000,
  );
});
