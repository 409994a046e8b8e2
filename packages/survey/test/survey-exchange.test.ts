// One survey at a time on a cooked Respondent, also when the survey is
// already waiting and the receive completes at once.
import { afterEach, describe, expect, it } from 'vitest';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import { bindAny, connections, sleep, track } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

describe('a cooked Respondent with surveys already waiting', () => {
  it('refuses a second recv in the same tick with EFSM; each answer goes to its own surveyor', async () => {
    const respondent = sockets.add(new Respondent());
    const surveyorA = sockets.add(new Surveyor({ deadline: 5000 }));
    const surveyorB = sockets.add(new Surveyor({ deadline: 5000 }));
    respondent.connect(bindAny(surveyorA, 'inproc').address);
    respondent.connect(bindAny(surveyorB, 'inproc').address);
    await connections(respondent, 2);
    const answers = { A: surveyorA.survey('A').next(), B: surveyorB.survey('B').next() };
    // Both surveys wait in the library; nothing is pending on the Respondent.
    await sleep(50);
    const first = respondent.recv({ timeout: 5000 });
    const second = respondent.recv({ timeout: 5000 });
    expect(await second.then(String, (error: unknown) => error)).toMatchObject({
      code: 'EFSM',
      syscall: 'nn_recv',
    });
    const question = String(await first);
    await respondent.send(`answer to ${question}`);
    const other = String(await respondent.recv({ timeout: 5000 }));
    expect(other).toBe(question === 'A' ? 'B' : 'A');
    await respondent.send(`answer to ${other}`);
    expect(String((await answers.A).value)).toBe('answer to A');
    expect(String((await answers.B).value)).toBe('answer to B');
  });
});
