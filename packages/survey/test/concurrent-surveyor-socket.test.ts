// The socket side of a concurrent Surveyor (`new Surveyor({ concurrent: true
// })`): its flags, its `deadline` (kept by the binding, as a raw socket has
// none; each survey takes the value it had when it began), EFSM for direct
// I/O, and surveys begun on a closed socket or with a signal already aborted.
// The surveys themselves are in concurrent-surveyor.test.ts.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { NanomsgError, Respondent, Surveyor } from '@nanomsg-ts/survey';
import { bindAny, codeOf, connections, sleep, thrown, useTracked } from '@nanomsg-ts/testkit';

const track = useTracked();

/** A concurrent Surveyor on inproc with one concurrent Respondent answering `re:question` at once. */
async function answered(deadline?: number): Promise<Surveyor> {
  const surveyor = track(new Surveyor({ concurrent: true, deadline }));
  const respondent = track(new Respondent({ concurrent: true }));
  respondent.connect(bindAny(surveyor, 'inproc').address);
  await connections(surveyor, 1);
  void respondent.serve((q) => `re:${String(q)}`);
  return surveyor;
}

/** Runs a survey to its end: what it yielded and how long it took (ms). */
async function timed(it: AsyncIterable<Buffer>): Promise<{ answers: string[]; took: number }> {
  const began = performance.now();
  const answers: string[] = [];
  for await (const answer of it) answers.push(String(answer));
  return { answers, took: performance.now() - began };
}

describe('a concurrent Surveyor', () => {
  it('is raw, and says it is concurrent; raw: false with concurrent: true is a TypeError', () => {
    const concurrent = track(new Surveyor({ concurrent: true }));
    expect(concurrent.raw).toBe(true);
    expect(concurrent.concurrent).toBe(true);
    const cooked = track(new Surveyor());
    expect([cooked.raw, cooked.concurrent]).toEqual([false, false]);
    const raw = track(new Surveyor({ raw: true }));
    expect([raw.raw, raw.concurrent]).toEqual([true, false]);
    const both = track(new Surveyor({ concurrent: true, raw: true }));
    expect([both.raw, both.concurrent]).toEqual([true, true]);
    expect(() => new Surveyor({ concurrent: true, raw: false })).toThrow(TypeError);
    expect(() => new Surveyor({ concurrent: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => {
      (concurrent as { concurrent: boolean }).concurrent = false;
    }).toThrow(TypeError);
    expect(concurrent.concurrent).toBe(true);
  });

  it("has a deadline: a cooked Surveyor's default, read and set, a constructor option, NN_SURVEYOR_DEADLINE", () => {
    const cookedDefault = track(new Surveyor()).deadline;
    const surveyor = track(new Surveyor({ concurrent: true }));
    expect(surveyor.deadline).toBe(cookedDefault);
    expect(surveyor.getOption('NN_SURVEYOR_DEADLINE')).toBe(cookedDefault);
    surveyor.deadline = 250;
    expect(surveyor.deadline).toBe(250);
    expect(surveyor.getOption('NN_SURVEYOR_DEADLINE')).toBe(250);
    expect(surveyor.getOption('NN_SURVEYOR_DEADLINE', 'NN_SURVEYOR')).toBe(250);
    surveyor.setOption('NN_SURVEYOR_DEADLINE', 0);
    expect(surveyor.deadline).toBe(0);
    expect(track(new Surveyor({ concurrent: true, deadline: 1234 })).deadline).toBe(1234);
    // Each socket keeps its own.
    expect(track(new Surveyor({ concurrent: true })).deadline).toBe(cookedDefault);
  });

  it('refuses bad deadlines as a cooked Surveyor does (RangeError, TypeError), and EBADF once closed', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 300 }));
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31]) {
      expect(() => (surveyor.deadline = bad)).toThrow(RangeError);
      expect(() => surveyor.setOption('NN_SURVEYOR_DEADLINE', bad)).toThrow(RangeError);
    }
    expect(() => (surveyor.deadline = 'soon' as unknown as number)).toThrow(TypeError);
    expect(surveyor.deadline).toBe(300);
    expect(() => new Surveyor({ concurrent: true, deadline: -5 })).toThrow(RangeError);
    expect(() => new Surveyor({ concurrent: true, deadline: '1' as unknown as number })).toThrow(
      TypeError,
    );
    await surveyor.close();
    expect(codeOf(thrown(() => surveyor.deadline))).toBe('EBADF');
    expect(codeOf(thrown(() => (surveyor.deadline = 100)))).toBe('EBADF');
  });

  it('ends each survey at the deadline it had when it began: changing it affects later surveys only', async () => {
    const surveyor = await answered(150);
    const short = timed(surveyor.survey('short'));
    surveyor.deadline = 700;
    const long = timed(surveyor.survey('long'));
    surveyor.deadline = 150;
    const [s, l] = await Promise.all([short, long]);
    expect(s.answers).toEqual(['re:short']);
    expect(l.answers).toEqual(['re:long']);
    expect(s.took).toBeGreaterThanOrEqual(145);
    expect(s.took).toBeLessThan(550);
    expect(l.took).toBeGreaterThanOrEqual(695);
    // The last value set applies to the next survey.
    const next = await timed(surveyor.survey('next'));
    expect(next.took).toBeLessThan(550);
  });

  it('fails send, recv and their variants with EFSM, idle or while a survey runs; the survey is not disturbed', async () => {
    const surveyor = await answered(300);
    const refusals = async (): Promise<unknown[]> => [
      await surveyor.send('x').catch((e: unknown) => e),
      await surveyor.recv({ timeout: 100 }).catch((e: unknown) => e),
      await surveyor.sendMessage({ header: Buffer.alloc(4), body: 'x' }).catch((e: unknown) => e),
      await surveyor.recvMessage({ timeout: 100 }).catch((e: unknown) => e),
      thrown(() => surveyor.trySend('x')),
      thrown(() => surveyor.tryRecv()),
      await (async () => {
        for await (const m of surveyor) return m;
      })().catch((e: unknown) => e),
    ];
    for (const error of await refusals()) {
      expect(NanomsgError.isInstance(error) && error.code).toBe('EFSM');
    }
    const survey = surveyor.survey('q');
    await sleep(50); // the answer has come and waits in the survey
    for (const error of await refusals()) {
      expect(NanomsgError.isInstance(error) && error.code).toBe('EFSM');
    }
    expect((await timed(survey)).answers).toEqual(['re:q']);
  });

  it('rejects a survey begun on a closed socket with EBADF on the first next()', async () => {
    const surveyor = new Surveyor({ concurrent: true });
    await surveyor.close();
    const survey = surveyor.survey('q');
    await expect(survey.next()).rejects.toMatchObject({ code: 'EBADF', syscall: 'nn_send' });
    const seen: Buffer[] = [];
    const error = await (async () => {
      for await (const answer of surveyor.survey('q')) seen.push(answer);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([]);
    expect(NanomsgError.isInstance(error) && error.code).toBe('EBADF');
  });

  it('rejects a survey whose signal was already aborted with the reason, and sends nothing', async () => {
    const surveyor = await answered(300);
    const sent = surveyor.statistics().messagesSent;
    const reason = new Error('not now');
    const survey = surveyor.survey('q', { signal: AbortSignal.abort(reason) });
    await expect(survey.next()).rejects.toBe(reason);
    expect(await survey.next()).toEqual({ done: true, value: undefined });
    expect(surveyor.statistics().messagesSent).toBe(sent);
  });

  it('leaves no abort listener on a signal shared by many surveys once they have ended', async () => {
    const surveyor = await answered(50);
    const { signal } = new AbortController();
    for (let i = 0; i < 3; i++) {
      await timed(surveyor.survey(`one after another ${i}`, { signal }));
    }
    const overlapping = Array.from({ length: 20 }, (_, i) =>
      timed(surveyor.survey(`at once ${i}`, { signal })),
    );
    for (const { answers } of await Promise.all(overlapping)) expect(answers).toHaveLength(1);
    for await (const _ of surveyor.survey('broken off', { signal })) break;
    expect(getEventListeners(signal, 'abort')).toEqual([]);
  });

  it('rejects wrong arguments: a bad signal at once, a message that is not one at next()', async () => {
    const surveyor = track(new Surveyor({ concurrent: true }));
    expect(() => surveyor.survey('x', { signal: 1 as unknown as AbortSignal })).toThrow(TypeError);
    expect(() => surveyor.survey('x', 1 as unknown as { signal?: AbortSignal })).toThrow(TypeError);
    await expect(surveyor.survey(5 as unknown as string).next()).rejects.toThrow(TypeError);
  });
});
