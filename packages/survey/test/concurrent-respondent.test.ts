// Respondent.serve answering surveys, over inproc, ipc and tcp: a cooked
// Respondent runs one handler at a time; one opened with `concurrent: true`
// runs up to `concurrency` at once and, while that many run, takes nothing
// more from the library. Each response goes to the survey that asked, from
// cooked and concurrent Surveyors. Handler failures, abort, close and EFSM are
// in concurrent-respondent-lifecycle.test.ts.
import { describe, expect, it } from 'vitest';
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

/** A handler answering `re:question` once `gate` opens (at once if none), counting how many run. */
function counting(gate?: Promise<void>) {
  const seen = { running: 0, most: 0, handled: 0 };
  const handler = async (question: Buffer): Promise<string> => {
    seen.most = Math.max(seen.most, ++seen.running);
    await (gate ?? sleep(20));
    seen.running--;
    seen.handled++;
    return `re:${String(question)}`;
  };
  return { seen, handler };
}

/** A promise opened by hand. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Surveys until one is answered: the respondent is connected and serving. */
async function ready(surveyor: Surveyor): Promise<void> {
  const deadline = surveyor.deadline;
  surveyor.deadline = 100;
  try {
    const end = Date.now() + 5000;
    for (;;) {
      let answered = false;
      for await (const _ of surveyor.survey('ping')) answered = true;
      if (answered) return;
      if (Date.now() > end) throw new Error('no survey was answered');
    }
  } finally {
    surveyor.deadline = deadline;
  }
}

/** The responses of one survey, to its end. */
async function answers(surveyor: Surveyor, question: string): Promise<string[]> {
  const out: string[] = [];
  for await (const answer of surveyor.survey(question)) out.push(String(answer));
  return out;
}

/** `n` cooked Surveyors bound on `transport`, and a Respondent connected to them all. */
function cookedSurveyors(transport: CoreTransport, n: number, respondent: Respondent): Surveyor[] {
  return Array.from({ length: n }, () => {
    const surveyor = track(new Surveyor({ deadline: 3000 }));
    respondent.connect(bindAny(surveyor, transport).address);
    return surveyor;
  });
}

/** A concurrent Surveyor bound on `transport`, and `respondent` connected to it. */
function concurrentSurveyor(transport: CoreTransport, respondent: Respondent): Surveyor {
  const surveyor = track(new Surveyor({ concurrent: true, deadline: 3000 }));
  respondent.connect(bindAny(surveyor, transport).address);
  return surveyor;
}

const received = (r: Respondent): number => r.statistics().messagesReceived!;

describe.each(coreTransports)('a cooked Respondent serving, over %s', (transport) => {
  it('answers one survey at a time, each to its own cooked Surveyor', async () => {
    const respondent = track(new Respondent());
    const surveyors = cookedSurveyors(transport, 3, respondent);
    const { seen, handler } = counting();
    void respondent.serve(handler);
    for (const surveyor of surveyors) await ready(surveyor);
    const got = await Promise.all(surveyors.map((s, i) => s.survey(`Q${i}`).next()));
    expect(got.map((r) => String(r.value))).toEqual(['re:Q0', 're:Q1', 're:Q2']);
    expect(seen.most).toBe(1);
  });

  it('answers overlapping surveys of a concurrent Surveyor, one at a time, each to its own survey', async () => {
    const respondent = track(new Respondent());
    const surveyor = concurrentSurveyor(transport, respondent);
    const { seen, handler } = counting();
    void respondent.serve(handler);
    await ready(surveyor);
    const questions = ['A', 'B', 'C', 'D'];
    const firsts = await Promise.all(questions.map((q) => surveyor.survey(q).next()));
    expect(firsts.map((r) => String(r.value))).toEqual(questions.map((q) => `re:${q}`));
    expect(seen.most).toBe(1);
  });
});

describe.each(coreTransports)('a concurrent Respondent serving, over %s', (transport) => {
  it('runs up to `concurrency` handlers for a concurrent Surveyor; while full it takes nothing more', async () => {
    const respondent = track(new Respondent({ concurrent: true }));
    const surveyor = concurrentSurveyor(transport, respondent);
    const release = gate();
    const { seen, handler } = counting(release.opened);
    void respondent.serve(async (q) => (String(q) === 'ping' ? 're:ping' : handler(q)), {
      concurrency: 3,
    });
    await ready(surveyor);
    const before = received(respondent);
    const questions = Array.from({ length: 8 }, (_, i) => `Q${i}`);
    const surveys = questions.map((q) => surveyor.survey(q));
    const firsts = Promise.all(surveys.map((s) => s.next()));
    await waitFor(() => seen.running >= 3, 'three handlers running');
    await sleep(200); // the other surveys have come, and wait in the library
    expect(seen.running).toBe(3);
    expect(received(respondent) - before).toBe(3);
    release.open();
    expect((await firsts).map((r) => String(r.value))).toEqual(questions.map((q) => `re:${q}`));
    expect(seen.most).toBe(3);
    expect(received(respondent) - before).toBe(8);
  });

  it('runs handlers for several cooked Surveyors at once, each answer to its own', async () => {
    const respondent = track(new Respondent({ concurrent: true }));
    const surveyors = cookedSurveyors(transport, 5, respondent);
    const release = gate();
    const { seen, handler } = counting(release.opened);
    void respondent.serve(async (q) => (String(q) === 'ping' ? 're:ping' : handler(q)), {
      concurrency: 2,
    });
    for (const surveyor of surveyors) await ready(surveyor);
    const before = received(respondent);
    const firsts = Promise.all(surveyors.map((s, i) => s.survey(`Q${i}`).next()));
    await waitFor(() => seen.running >= 2, 'two handlers running');
    await sleep(200);
    expect(seen.running).toBe(2);
    expect(received(respondent) - before).toBe(2);
    release.open();
    expect((await firsts).map((r) => String(r.value))).toEqual(surveyors.map((_, i) => `re:Q${i}`));
    expect(seen.most).toBe(2);
  });
});

describe('serve options', () => {
  it('runs 64 handlers at once by default on a concurrent Respondent', async () => {
    const respondent = track(new Respondent({ concurrent: true }));
    const surveyor = concurrentSurveyor('inproc', respondent);
    const release = gate();
    const { seen, handler } = counting(release.opened);
    void respondent.serve(async (q) => (String(q) === 'ping' ? 're:ping' : handler(q)));
    await ready(surveyor);
    const before = received(respondent);
    const firsts = Promise.all(
      Array.from({ length: 70 }, (_, i) => surveyor.survey(`${i}`).next()),
    );
    await waitFor(() => seen.running >= 64, '64 handlers running');
    await sleep(100);
    expect([seen.running, received(respondent) - before]).toEqual([64, 64]);
    release.open();
    expect((await firsts).every((r, i) => String(r.value) === `re:${i}`)).toBe(true);
    expect(seen.most).toBe(64);
  });

  it('a cooked Respondent takes concurrency 1 only (RangeError); a concurrent one an integer of 1 or more', async () => {
    const cooked = track(new Respondent());
    const concurrent = track(new Respondent({ concurrent: true }));
    const handler = (): string => 'x';
    for (const n of [0, 2, 64]) {
      await expect(cooked.serve(handler, { concurrency: n })).rejects.toThrow(RangeError);
    }
    for (const n of [0, -1, 1.5, NaN, Infinity]) {
      await expect(concurrent.serve(handler, { concurrency: n })).rejects.toThrow(RangeError);
    }
    const wrong = [
      [null, {}],
      [handler, { concurrency: '2' }],
      [handler, { signal: 'stop' }],
      [handler, { onError: 'log' }],
      [handler, 5],
    ] as unknown as Parameters<Respondent['serve']>[];
    for (const args of wrong) {
      await expect(cooked.serve(...args)).rejects.toThrow(TypeError);
      await expect(concurrent.serve(...args)).rejects.toThrow(TypeError);
    }
    // None of these started serving: both can serve now.
    const controller = new AbortController();
    const serving = [
      cooked.serve(handler, { concurrency: 1, signal: controller.signal }),
      concurrent.serve(handler, { concurrency: 1, signal: controller.signal }),
    ];
    controller.abort();
    await Promise.all(serving);
  });

  it('serve on a raw Respondent that is not concurrent answers each survey', async () => {
    const respondent = track(new Respondent({ raw: true }));
    const surveyor = concurrentSurveyor('inproc', respondent);
    surveyor.deadline = 300;
    void respondent.serve((q) => `re:${String(q)}`);
    expect(await answers(surveyor, 'raw?')).toEqual(['re:raw?']);
  });
});
