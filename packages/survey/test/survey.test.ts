import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Respondent, Surveyor } from '@nanomsg-ts/survey';
import { bindAny, connections, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

/** Answers every survey with `answer` (after `delay` ms) until closed. */
function respond(respondent: Respondent, answer: string, delay = 0): void {
  const loop = async (): Promise<void> => {
    for await (const question of respondent) {
      if (delay > 0) await sleep(delay);
      await respondent.send(`${answer}:${String(question)}`);
    }
  };
  loop().catch((error: unknown) => {
    if (!respondent.closed) throw error;
  });
}

async function collect(it: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of it) out.push(String(m));
  return out;
}

describe.each(transports)('survey over %s', (transport) => {
  it('collects the answers of two respondents, then ends at the deadline', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 300 }));
    expect(surveyor.deadline).toBe(300);
    const addr = bindAny(surveyor, transport).address;
    const r1 = sockets.add(new Respondent());
    const r2 = sockets.add(new Respondent());
    r1.connect(addr);
    r2.connect(addr);
    await connections(surveyor, 2);
    respond(r1, 'one');
    respond(r2, 'two');
    const started = Date.now();
    const answers = await collect(surveyor.survey('lunch?'));
    const took = Date.now() - started;
    expect(answers.sort()).toEqual(['one:lunch?', 'two:lunch?']);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
  });

  it('drops answers that come after the deadline', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 150 }));
    const addr = bindAny(surveyor, transport).address;
    const fast = sockets.add(new Respondent());
    const slow = sockets.add(new Respondent());
    fast.connect(addr);
    slow.connect(addr);
    await connections(surveyor, 2);
    respond(fast, 'fast');
    respond(slow, 'slow', 400);
    expect(await collect(surveyor.survey('q1'))).toEqual(['fast:q1']);
    await sleep(400);
    // The late answer to q1 never shows up in the next survey.
    expect((await collect(surveyor.survey('q2'))).filter((a) => a.endsWith('q1'))).toEqual([]);
  });
});

describe.each(transports)(
  'a cooked Respondent answers one survey at a time, over %s',
  (transport) => {
    it('a second recv, tryRecv or iteration step while a recv is pending fails with EFSM, so each answer goes to its own surveyor', async () => {
      const respondent = sockets.add(new Respondent());
      const surveyorA = sockets.add(new Surveyor({ deadline: 5000 }));
      const surveyorB = sockets.add(new Surveyor({ deadline: 5000 }));
      respondent.connect(bindAny(surveyorA, transport).address);
      respondent.connect(bindAny(surveyorB, transport).address);
      await connections(respondent, 2);
      const first = respondent.recv({ timeout: 5000 });
      // The library keeps only the last survey's return path: a second receive
      // would make the answer written for the first go to the second surveyor.
      const second = respondent.recv({ timeout: 5000 });
      let tried: unknown;
      try {
        tried = respondent.tryRecv();
      } catch (error) {
        tried = error;
      }
      const step = respondent[Symbol.asyncIterator]().next();
      const surveys = { A: surveyorA.survey('A'), B: surveyorB.survey('B') };
      const answers = { A: surveys.A.next(), B: surveys.B.next() };
      expect(await second.then(String, (error: unknown) => error)).toMatchObject({
        code: 'EFSM',
        syscall: 'nn_recv',
      });
      expect(NanomsgError.isInstance(tried)).toBe(true);
      expect(tried).toMatchObject({ code: 'EFSM', syscall: 'nn_recv' });
      expect(await step.then(String, (error: unknown) => error)).toMatchObject({ code: 'EFSM' });
      const question = String(await first);
      await respondent.send(`answer to ${question}`);
      const other = question === 'A' ? 'B' : 'A';
      expect(String(await respondent.recv({ timeout: 5000 }))).toBe(other);
      await respondent.send(`answer to ${other}`);
      expect(String((await answers.A).value)).toBe('answer to A');
      expect(String((await answers.B).value)).toBe('answer to B');
    });
  },
);

describe('Surveyor rules', () => {
  it('fails recv without a survey with EFSM, and after the deadline with ETIMEDOUT', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 50 }));
    await expect(surveyor.recv()).rejects.toMatchObject({ code: 'EFSM' });
    await surveyor.send('anyone?');
    const error = await surveyor.recv().catch((e: unknown) => e);
    expect(NanomsgError.isInstance(error)).toBe(true);
    expect((error as NanomsgError).code).toBe('ETIMEDOUT');
  });

  it('after the deadline only the first recv fails with ETIMEDOUT; later ones, and tryRecv, with EFSM until the next survey', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 50 }));
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (NanomsgError.isInstance(e) ? e.code : String(e)),
      );
    for (const round of [1, 2]) {
      await surveyor.send(`round ${round}`);
      expect(await code(surveyor.recv())).toBe('ETIMEDOUT');
      expect(await code(surveyor.recv())).toBe('EFSM');
      expect(await code(surveyor.recv({ timeout: 10 }))).toBe('EFSM');
      expect(() => surveyor.tryRecv()).toThrow(expect.objectContaining({ code: 'EFSM' }));
    }
  });

  it('ends an earlier survey at once when a new one starts', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 2000 }));
    const addr = bindAny(surveyor, 'ipc').address;
    const r = sockets.add(new Respondent());
    r.connect(addr);
    await connections(surveyor, 1);
    const first = surveyor.survey('first');
    const firstNext = first.next();
    await sleep(20);
    const second = surveyor.survey('second');
    expect(await firstNext).toEqual({ done: true, value: undefined });
    expect(String(await r.recv({ timeout: 2000 }))).toBe('first');
    await r.send('answer to first');
    expect(String(await r.recv({ timeout: 2000 }))).toBe('second');
    await r.send('answer to second');
    const { value } = await second.next();
    expect(String(value)).toBe('answer to second');
    expect(await first.next()).toEqual({ done: true, value: undefined });
  });

  it('ends a survey when the socket closes, and rejects it when the signal aborts', async () => {
    const surveyor = sockets.add(new Surveyor({ deadline: 5000 }));
    const closing = surveyor.survey('x').next();
    await sleep(10);
    await surveyor.close();
    expect(await closing).toEqual({ done: true, value: undefined });

    const other = sockets.add(new Surveyor({ deadline: 5000 }));
    const controller = new AbortController();
    const aborted = other.survey('y', { signal: controller.signal }).next();
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
  });

  it('a survey on a socket already closed rejects with EBADF, like send', async () => {
    const surveyor = new Surveyor();
    await surveyor.close();
    await expect(surveyor.send('q')).rejects.toMatchObject({ code: 'EBADF' });
    await expect(surveyor.survey('q').next()).rejects.toMatchObject({
      code: 'EBADF',
      syscall: 'nn_send',
    });
    const seen: Buffer[] = [];
    const error = await (async () => {
      for await (const answer of surveyor.survey('q')) seen.push(answer);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([]);
    expect(NanomsgError.isInstance(error) && error.code).toBe('EBADF');
  });

  it('rejects wrong arguments', () => {
    const surveyor = sockets.add(new Surveyor());
    expect(() => surveyor.survey('x', { signal: 1 as unknown as AbortSignal })).toThrow(TypeError);
    expect(() => {
      surveyor.deadline = 1.5;
    }).toThrow(RangeError);
    expect(() => new Surveyor({ deadline: 'soon' as unknown as number })).toThrow(TypeError);
  });
});
