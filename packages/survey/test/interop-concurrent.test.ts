// Many exchanges at once against the C reference tool nanocat (nanomsg-utils),
// over ipc and tcp: overlapping surveys of our concurrent Surveyor answered by
// several `nanocat --respondent` at once, and `nanocat --surveyor` (one or
// several) answered by our Respondent's `serve`, cooked and concurrent.
import { describe, expect, test } from 'vitest';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

const transports = ['ipc', 'tcp'] as const;

/** The responses of one survey, to its end, sorted. */
async function answers(surveyor: Surveyor, question: string): Promise<string[]> {
  const out: string[] = [];
  for await (const answer of surveyor.survey(question)) out.push(String(answer));
  return out.sort();
}

/** Surveys until one collects `n` responses: every nanocat respondent is connected. */
async function ready(surveyor: Surveyor, n: number): Promise<void> {
  const deadline = surveyor.deadline;
  surveyor.deadline = 200;
  try {
    const end = Date.now() + 5000;
    while ((await answers(surveyor, 'ping')).length < n) {
      if (Date.now() > end) throw new Error(`no survey reached ${n} nanocat respondents`);
    }
  } finally {
    surveyor.deadline = deadline;
  }
}

describe.each(transports)('our concurrent Surveyor and nanocat --respondent over %s', (t) => {
  test('overlapping surveys each collect one answer from each of three nanocat respondents', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 500 }));
    const address = nc.bindAny(surveyor, t).address;
    const names = ['r1', 'r2', 'r3'];
    const peers = names.map((n) => nc.nanocatTo(address, '--respondent', '--data', n, '--ascii'));
    await ready(surveyor, names.length);
    const questions = ['A', 'B', 'C', 'D'];
    const results = await Promise.all(questions.map((q) => answers(surveyor, q)));
    // One answer per respondent per survey: none of another survey's.
    for (const result of results) expect(result).toEqual(names);
    for (const peer of peers) {
      await peer.waitForLine((l) => l === 'D');
      expect(peer.lines().filter((l) => l !== 'ping')).toEqual(questions);
    }
  });

  test('our concurrent Surveyor connects to a nanocat respondent that binds', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 400 }));
    const start = nc.nanocatAt('--respondent', '--data', 'bound "here"', '--quoted');
    const { peer } = await nc.link(surveyor, t, 'connect', start);
    await ready(surveyor, 1);
    const results = await Promise.all(['x\ny', 'z'].map((q) => answers(surveyor, q)));
    expect(results).toEqual([['bound "here"'], ['bound "here"']]);
    await peer.waitForLine((l) => l === nc.quotedLine(Buffer.from('z')));
    expect(peer.lines()).toContain(nc.quotedLine(Buffer.from('x\ny')));
  });

  test('an answer that comes after its survey ended is not yielded, by it or by a later survey', async () => {
    const surveyor = track(new Surveyor({ concurrent: true, deadline: 200 }));
    const address = nc.bindAny(surveyor, t).address;
    const peer = nc.nanocatTo(address, '--respondent', '--data', 'answer', '--ascii');
    await ready(surveyor, 1);
    // nanocat is stopped until 'late' has ended: its answer to it comes late.
    peer.child.kill('SIGSTOP');
    try {
      expect(await answers(surveyor, 'late')).toEqual([]);
      surveyor.deadline = 1500;
      const next = answers(surveyor, 'next');
      peer.child.kill('SIGCONT');
      // The late answer comes while 'next' runs: 'next' has its own answer only.
      expect(await next).toEqual(['answer']);
      expect(peer.lines().slice(-2)).toEqual(['late', 'next']);
    } finally {
      peer.child.kill('SIGCONT');
    }
  });
});

describe.each(transports)('nanocat --surveyor and our serving Respondent over %s', (t) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test.each([false, true])(
      'nanocat --surveyor prints the answer of serve (concurrent: %s)',
      async (concurrent) => {
        const respondent = track(new Respondent({ concurrent }));
        const start = nc.nanocatAt(
          '--surveyor',
          '--data',
          'lunch?',
          '--interval',
          '0.2',
          '--quoted',
        );
        const { peer } = await nc.link(respondent, t, role, start);
        const controller = new AbortController();
        const asked: string[] = [];
        const serving = respondent.serve(
          (question) => {
            asked.push(String(question));
            return `yes to "${String(question)}"`;
          },
          { signal: controller.signal },
        );
        const line = await peer.waitForLine(() => true);
        expect(line).toBe(nc.quotedLine(Buffer.from('yes to "lunch?"')));
        expect(new Set(asked)).toEqual(new Set(['lunch?']));
        controller.abort();
        await serving;
      },
    );
  });

  test('three nanocat surveyors at once: our concurrent Respondent answers each its own question', async () => {
    const respondent = track(new Respondent({ concurrent: true }));
    const questions = ['q1', 'q2', 'q3'];
    const peers = await Promise.all(
      questions.map((q) =>
        nc.bindPeer(t, nc.nanocatAt('--surveyor', '--data', q, '--interval', '0.2', '--ascii')),
      ),
    );
    for (const { address } of peers) respondent.connect(address);
    let running = 0;
    let most = 0;
    void respondent.serve(async (question) => {
      most = Math.max(most, ++running);
      // Slow enough that the surveys of the three overlap here.
      await nc.sleep(150);
      running--;
      return `re:${String(question)}`;
    });
    for (const [i, { peer }] of peers.entries()) {
      const lines = await peer.waitForLines(2);
      expect(lines.slice(0, 2)).toEqual([`re:${questions[i]}`, `re:${questions[i]}`]);
    }
    for (const [i, { peer }] of peers.entries()) {
      expect(new Set(peer.lines())).toEqual(new Set([`re:${questions[i]}`]));
    }
    expect(most).toBeGreaterThan(1);
  });
});
