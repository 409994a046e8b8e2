// SURVEYOR/RESPONDENT with @nanomsg-ts/survey: one question to three
// respondents over ipc, answers collected until the deadline.
// Run it with `node examples/survey.mjs` (after `pnpm build`), or `pnpm demo`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';

const watchdog = setTimeout(() => {
  console.error('survey: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-survey-'));
const address = `ipc://${join(dir, 'survey.ipc')}`;
// Answers are accepted for 300 ms after each survey (NN_SURVEYOR_DEADLINE).
const surveyor = new Surveyor({ deadline: 300 });
const names = ['ada', 'bob', 'cy'];
const respondents = names.map(() => new Respondent());
try {
  surveyor.bind(address);
  for (const respondent of respondents) respondent.connect(address);
  console.log('SURVEYOR/RESPONDENT over ipc');

  // Each respondent answers every survey it gets, until it is closed.
  const answering = respondents.map(async (respondent, i) => {
    for await (const question of respondent) {
      const answer = String(question) === 'lunch?' ? (i === 1 ? 'no' : 'yes') : 'here';
      await respondent.send(`${names[i]}: ${answer}`);
    }
  });

  // Only the respondents connected when a survey goes out get it: ask a
  // roll call until all three answer one.
  for (let heard = 0; heard < names.length;) {
    heard = 0;
    for await (const _answer of surveyor.survey('roll call')) heard++;
  }

  const answers = [];
  for await (const answer of surveyor.survey('lunch?')) answers.push(String(answer));
  for (const answer of answers.sort()) console.log(`  lunch? ${answer}`);
  console.log(`  ${answers.length} answers before the deadline`);

  await Promise.all(respondents.map((r) => r.close()));
  await Promise.all(answering);
} finally {
  await Promise.all([surveyor.close(), ...respondents.map((r) => r.close())]);
  rmSync(dir, { recursive: true, force: true });
}
console.log('survey: done');
