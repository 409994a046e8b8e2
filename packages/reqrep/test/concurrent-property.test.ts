// Property: whatever the interleaving of requests, aborts, timeouts, resends
// and close on a concurrent Req (over inproc, against a concurrent Rep whose
// handlers take random times and drop some first copies), every request
// settles once, with its own reply or an error it had coming (its signal's
// reason after its abort, ETIMEDOUT after its timeout, EBADF after close),
// never with another's reply, and none stays pending after close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, sleep, state, waitFor } from '@nanomsg-ts/testkit';

/** One request: how long its handler takes, whether its first copy is dropped, its timeout and abort. */
interface RequestCommand {
  kind: 'request';
  /** ms to wait before making it. */
  pause: number;
  handlerDelay: number;
  dropFirst: boolean;
  timeout: number | undefined;
  abortAfter: number | undefined;
}
type Command = RequestCommand | { kind: 'close'; pause: number };

const requestCommand: fc.Arbitrary<Command> = fc.record({
  kind: fc.constant('request' as const),
  pause: fc.integer({ min: 0, max: 8 }),
  handlerDelay: fc.integer({ min: 0, max: 30 }),
  dropFirst: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  timeout: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined, freq: 2 }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 2 }),
});

const scenario = fc.record({
  commands: fc.array(requestCommand, { minLength: 5, maxLength: 60 }),
  /** Where a close comes in the middle, if it does (else after every request settled). */
  closeAt: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
  concurrency: fc.integer({ min: 1, max: 16 }),
});

/** What happened to one request, in the order of events (`seq`). */
interface Tracked {
  body: string;
  command: RequestCommand;
  madeAt: number;
  madeSeq: number;
  reason: unknown;
  abortSeq: number | undefined;
  settled: { seq: number; at: number; value?: string; error?: unknown } | undefined;
  promise: Promise<Buffer>;
}

async function run({
  commands,
  closeAt,
  concurrency,
}: {
  commands: Command[];
  closeAt: number | undefined;
  concurrency: number;
}): Promise<void> {
  if (closeAt !== undefined) {
    commands = [...commands];
    commands.splice(closeAt % (commands.length + 1), 0, { kind: 'close', pause: 3 });
  }
  let seq = 0;
  const rep = new Rep({ concurrent: true });
  const req = new Req({ concurrent: true, resendInterval: 25 });
  req.connect(bindAny(rep, 'inproc').address);
  const seen = new Set<string>();
  void rep.serve(
    async (request) => {
      const body = String(request);
      const [, delay, drop] = body.split(':');
      const first = !seen.has(body);
      seen.add(body);
      if (drop === 'd' && first) throw new Error('dropped');
      await sleep(Number(delay));
      return `re:${body}`;
    },
    { concurrency, onError: () => {} },
  );
  const records: Tracked[] = [];
  const timers: ReturnType<typeof setTimeout>[] = [];
  let closeSeq: number | undefined;
  try {
    for (const command of commands) {
      if (command.pause > 0) await sleep(command.pause);
      if (command.kind === 'close') {
        closeSeq = ++seq;
        await req.close();
        continue;
      }
      const body = `r${records.length}:${command.handlerDelay}:${command.dropFirst ? 'd' : 'k'}`;
      const ac = command.abortAfter === undefined ? undefined : new AbortController();
      const r: Tracked = {
        body,
        command,
        madeAt: Date.now(),
        madeSeq: ++seq,
        reason: undefined,
        abortSeq: undefined,
        settled: undefined,
        promise: req.request(body, { timeout: command.timeout, signal: ac?.signal }),
      };
      r.promise.then(
        (value) => (r.settled = { seq: ++seq, at: Date.now(), value: String(value) }),
        (error: unknown) => (r.settled = { seq: ++seq, at: Date.now(), error }),
      );
      if (ac !== undefined) {
        timers.push(
          setTimeout(() => {
            r.abortSeq = ++seq;
            ac.abort(new Error(`abort ${body}`));
            r.reason = ac.signal.reason;
          }, command.abortAfter),
        );
      }
      records.push(r);
    }
    if (closeSeq === undefined) {
      // Liveness: with the Rep answering (and resending what it dropped),
      // every request settles on its own before any close.
      await waitFor(
        () => records.every((r) => r.settled !== undefined),
        'every request to settle',
        5000,
      );
      closeSeq = ++seq;
      await req.close();
    }
    // Nothing stays pending after close.
    for (const r of records) expect(await state(r.promise), r.body).not.toBe('pending');
    await sleep(1);
  } finally {
    for (const t of timers) clearTimeout(t);
    await req.close();
    await rep.close();
  }
  for (const r of records) {
    const { settled, command, body } = r;
    expect(settled, body).toBeDefined();
    const { seq: at, value, error } = settled!;
    if (value !== undefined) {
      // Its own reply, before any abort or close.
      expect(value, body).toBe(`re:${body}`);
      if (r.abortSeq !== undefined)
        expect(at, `${body} resolved after its abort`).toBeLessThan(r.abortSeq);
      expect(at, `${body} resolved after close`).toBeLessThan(closeSeq);
    } else if (r.abortSeq !== undefined && r.abortSeq < at && error === r.reason) {
      // Its signal's reason, after its abort.
    } else if ((error as { code?: string }).code === 'ETIMEDOUT') {
      expect(command.timeout, `${body} timed out without a timeout`).toBeDefined();
      expect(settled!.at - r.madeAt, `${body} timed out early`).toBeGreaterThanOrEqual(
        command.timeout! - 1,
      );
    } else {
      expect(error, `${body}: ${String(error)}`).toMatchObject({ code: 'EBADF' });
      expect(closeSeq < at || r.madeSeq > closeSeq, `${body} got EBADF before close`).toBe(true);
    }
  }
}

describe('a concurrent Req under random interleavings of request, abort, timeout, resend and close', () => {
  it('settles every request with its own reply or the error it had coming, and none stays pending after close', async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: 80 });
  }, 60_000);
});
