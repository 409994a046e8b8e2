// Overlapping surveys on one concurrent Surveyor (`new Surveyor({ concurrent:
// true })`) over inproc, ipc and tcp, answered by Respondents of every kind
// (cooked serve, concurrent serve, a plain for-await loop), also through a
// device: each survey yields its own responses only, until its own deadline;
// break, abort and close end it. The deadline option of a concurrent
// Surveyor, its flags, and EFSM for direct I/O are in
// concurrent-surveyor-socket.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { Socket, device } from '@nanomsg-ts/core';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import {
  bindAny,
  coreTransports,
  sleep,
  useTracked,
  waitFor,
  type CoreTransport,
} from '@nanomsg-ts/testkit';

const track = useTracked();

/** Errors of the respondents running in the background; none is expected. */
const problems: unknown[] = [];
afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

type Kind = 'cooked serve' | 'concurrent serve' | 'for await';
const kinds: readonly Kind[] = ['cooked serve', 'concurrent serve', 'for await'];

/**
 * A Respondent of `kind` connected to `address` that answers every question
 * with `name:question`, after `delay(question)` ms.
 */
function respondent(
  kind: Kind,
  address: string,
  name: string,
  delay: (question: string) => number = () => 0,
): Respondent {
  const r = track(new Respondent({ concurrent: kind === 'concurrent serve' }));
  r.connect(address);
  const answer = async (question: Buffer): Promise<string> => {
    const ms = delay(String(question));
    if (ms > 0) await sleep(ms);
    return `${name}:${String(question)}`;
  };
  const report = (error: unknown): void => {
    if (!r.closed) problems.push(error);
  };
  if (kind === 'for await') {
    void (async () => {
      for await (const question of r) await r.send(await answer(question));
    })().catch(report);
  } else {
    r.serve(answer, { onError: report }).catch(report);
  }
  return r;
}

/** Runs a survey to its end: what it yielded, and when (performance.now()) it began and ended. */
async function run(
  surveyor: Surveyor,
  question: string,
  opts?: { signal?: AbortSignal },
): Promise<{ answers: string[]; began: number; ended: number }> {
  const began = performance.now();
  const answers: string[] = [];
  for await (const answer of surveyor.survey(question, opts)) answers.push(String(answer));
  return { answers: answers.sort(), began, ended: performance.now() };
}

/** Surveys until one survey collects `n` responses: every respondent is connected and answering. */
async function ready(surveyor: Surveyor, n: number): Promise<void> {
  const deadline = surveyor.deadline;
  surveyor.deadline = 100;
  try {
    const end = Date.now() + 5000;
    while ((await run(surveyor, 'ping')).answers.length < n) {
      if (Date.now() > end) throw new Error(`no survey reached ${n} respondents`);
    }
  } finally {
    surveyor.deadline = deadline;
  }
}

/** A concurrent Surveyor bound on `transport`, with a Respondent of each kind ready to answer. */
async function everyKind(
  transport: CoreTransport,
  deadline: number,
  delay?: (question: string) => number,
): Promise<{ surveyor: Surveyor; names: string[] }> {
  const surveyor = track(new Surveyor({ concurrent: true, deadline }));
  const address = bindAny(surveyor, transport).address;
  const names = kinds.map((kind) => kind.replace(' ', '-'));
  kinds.forEach((kind, i) => respondent(kind, address, names[i]!, delay));
  await ready(surveyor, kinds.length);
  return { surveyor, names };
}

/** Allowance for timer and clock granularity when checking that a deadline was not cut short. */
const EARLY = 5;

describe.each(coreTransports)('overlapping surveys on a concurrent Surveyor over %s', (t) => {
  it('each survey yields exactly the responses to its own question, from every kind of Respondent', async () => {
    // Answers come in a different order from the questions.
    const delays: Record<string, number> = { Q1: 80, Q2: 0, Q3: 40, Q4: 10, Q5: 60 };
    const { surveyor, names } = await everyKind(t, 600, (q) => delays[q] ?? 0);
    const questions = Object.keys(delays);
    const results = await Promise.all(questions.map((q) => run(surveyor, q)));
    questions.forEach((q, i) => {
      expect(results[i]!.answers).toEqual(names.map((n) => `${n}:${q}`).sort());
    });
  });

  it('routes the responses to their surveys through a device (raw RESPONDENT to raw SURVEYOR)', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 500 }));
    const front = track(new Socket('NN_RESPONDENT', { raw: true }));
    const back = track(new Socket('NN_SURVEYOR', { raw: true }));
    front.connect(bindAny(surveyor, t).address);
    const address = bindAny(back, t).address;
    // It settles when the sockets close after the test.
    device(front, back).catch(() => {});
    kinds.forEach((kind, i) => respondent(kind, address, `r${i}`, () => 10 * i));
    await ready(surveyor, kinds.length);
    const questions = ['A', 'B', 'C'];
    const results = await Promise.all(questions.map((q) => run(surveyor, q)));
    questions.forEach((q, i) => {
      expect(results[i]!.answers).toEqual(kinds.map((_, r) => `r${r}:${q}`));
    });
  });

  it('each survey has its own deadline: one begun 100 ms later ends about 100 ms later', async () => {
    const D = 400;
    const { surveyor, names } = await everyKind(t, D);
    const a = run(surveyor, 'A');
    await sleep(100);
    const b = run(surveyor, 'B');
    const [A, B] = await Promise.all([a, b]);
    expect(A.answers).toEqual(names.map((n) => `${n}:A`).sort());
    expect(B.answers).toEqual(names.map((n) => `${n}:B`).sort());
    // Neither was cut short by the other (a cooked Surveyor ends A when B begins)...
    expect(A.ended - A.began).toBeGreaterThanOrEqual(D - EARLY);
    expect(B.ended - B.began).toBeGreaterThanOrEqual(D - EARLY);
    // ...nor kept open by it, although all answers came at once.
    expect(A.ended - A.began).toBeLessThan(D + 1500);
    expect(B.ended - A.ended).toBeGreaterThanOrEqual(50);
  });

  it('responses arriving after their survey ended are not yielded, by it or by a later survey', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 150 }));
    const address = bindAny(surveyor, t).address;
    respondent('concurrent serve', address, 'fast');
    const slow = respondent('concurrent serve', address, 'slow', (q) => (q === 'late' ? 400 : 0));
    await ready(surveyor, 2);
    const sent = slow.statistics().messagesSent!;
    const late = run(surveyor, 'late');
    surveyor.deadline = 1200;
    const other = run(surveyor, 'other');
    let otherEnded = false;
    void other.then(() => (otherEnded = true));
    // The late answer is sent while `other` is still open: it reaches the socket then.
    await waitFor(() => slow.statistics().messagesSent! === sent + 2, 'the late answer', 5000);
    expect(otherEnded).toBe(false);
    expect((await late).answers).toEqual(['fast:late']);
    expect((await other).answers).toEqual(['fast:other', 'slow:other']);
  });

  it('break ends a survey and drops its later answers; the others run on', async () => {
    const delays = [0, 150, 300];
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 800 }));
    const address = bindAny(surveyor, t).address;
    const slow = delays.map((ms, i) =>
      respondent('concurrent serve', address, `r${i}`, (q) => (q === 'A' ? ms : 0)),
    );
    await ready(surveyor, delays.length);
    const sent = slow[2]!.statistics().messagesSent!;
    const a = surveyor.survey('A');
    const b = run(surveyor, 'B');
    const began = performance.now();
    let first: string | undefined;
    for await (const answer of a) {
      first = String(answer);
      break;
    }
    expect(first).toBe('r0:A');
    expect(performance.now() - began).toBeLessThan(700);
    // The later answers to A come, and are dropped.
    await waitFor(() => slow[2]!.statistics().messagesSent! > sent, 'the last answer to A', 5000);
    expect(await a.next()).toEqual({ done: true, value: undefined });
    expect((await b).answers).toEqual(['r0:B', 'r1:B', 'r2:B']);
  });

  it('an aborted signal rejects its survey with the reason; the others run on', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 600 }));
    const address = bindAny(surveyor, t).address;
    respondent('concurrent serve', address, 'quick');
    respondent('concurrent serve', address, 'slow', (q) => (q === 'A' ? 300 : 0));
    await ready(surveyor, 2);
    const controller = new AbortController();
    const a = surveyor.survey('A', { signal: controller.signal });
    const b = run(surveyor, 'B');
    expect(String((await a.next()).value)).toBe('quick:A');
    const waiting = a.next();
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect((await b).answers).toEqual(['quick:B', 'slow:B']);
    expect(await a.next()).toEqual({ done: true, value: undefined });
  });

  it('closing the socket ends every running survey: the iterations complete', async () => {
    const { surveyor, names } = await everyKind(t, 5000);
    const surveys = ['A', 'B'].map((q) => run(surveyor, q));
    await sleep(200);
    const closed = performance.now();
    await surveyor.close();
    const [A, B] = await Promise.all(surveys);
    // The answers that came before the close are yielded.
    expect(A!.answers).toEqual(names.map((n) => `${n}:A`).sort());
    expect(B!.answers).toEqual(names.map((n) => `${n}:B`).sort());
    expect(Math.max(A!.ended, B!.ended) - closed).toBeLessThan(1000);
  });
});
