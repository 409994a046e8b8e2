// SURVEYOR/RESPONDENT across the boundary.
import { Respondent as NodeRespondent, Surveyor as NodeSurveyor } from '@nanomsg-ts/survey';
import { codeOf, rejection, sleep, useTracked } from '@nanomsg-ts/testkit';
import { describe, expect, test } from 'vitest';
import { Respondent, Surveyor } from '../src/index.js';
import { bindWs, connected, text } from './peers.js';

const track = useTracked();

describe('web Surveyor -> Node.js Respondents', () => {
  test('a survey yields every answer until its deadline; surveys overlap, each with its own answers', async () => {
    const respondents = [0, 1, 2].map(() => track(new NodeRespondent({ concurrent: true })));
    const surveyor = track(new Surveyor({ deadline: 300 }));
    respondents.forEach((r, i) => {
      surveyor.connect(bindWs(r));
      void r.serve(async (q) => {
        await sleep(10 * i);
        return `${String(q)} from ${i}`;
      });
    });
    await connected(surveyor, 3);
    const gather = async (q: string): Promise<string[]> => {
      const answers: string[] = [];
      for await (const a of surveyor.survey(q)) answers.push(text(a));
      return answers.sort();
    };
    const started = Date.now();
    const [a, b] = await Promise.all([gather('a'), gather('b')]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(a).toEqual(['a from 0', 'a from 1', 'a from 2']);
    expect(b).toEqual(['b from 0', 'b from 1', 'b from 2']);
  });

  test('cooked send then recv; ETIMEDOUT after the deadline; EFSM before any survey', async () => {
    const respondent = track(new NodeRespondent());
    const surveyor = track(new Surveyor({ deadline: 200 }));
    surveyor.connect(bindWs(respondent));
    void respondent.serve((q) => `re:${String(q)}`).catch(() => {});
    expect(codeOf(await rejection(surveyor.recv()))).toBe('EFSM');
    await connected(surveyor);
    await surveyor.send('q');
    expect(text(await surveyor.recv())).toBe('re:q');
    expect(codeOf(await rejection(surveyor.recv()))).toBe('ETIMEDOUT');
  });
});

describe('Node.js Surveyor -> web Respondent', () => {
  test('serve answers each survey', async () => {
    const nodeSurveyor = track(new NodeSurveyor({ deadline: 1000 }));
    const respondent = track(new Respondent());
    respondent.connect(bindWs(nodeSurveyor));
    void respondent.serve((q) => `web:${text(q)}`);
    await connected(respondent);
    await sleep(50);
    const answers: string[] = [];
    for await (const a of nodeSurveyor.survey('ping')) answers.push(String(a));
    expect(answers).toEqual(['web:ping']);
  });
});
