// Surveyor and Respondent against the C reference tool nanocat (nanomsg-utils),
// over ipc, tcp and ws, with our socket binding and connecting.
import { describe, expect, test } from 'vitest';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
// nc: peer processes (nanocat) and how nanocat prints messages.
import * as nc from '@nanomsg-ts/testkit';

const track = nc.useInterop();

/**
 * Runs surveys until one collects `count` responses (respondents connect in
 * the background; a survey reaches only those already connected). Resolves
 * with that survey's responses.
 */
async function surveyUntil(
  surveyor: Surveyor,
  question: string | Uint8Array,
  count: number,
): Promise<Buffer[]> {
  const end = Date.now() + 5000;
  for (;;) {
    const responses: Buffer[] = [];
    for await (const r of surveyor.survey(question)) responses.push(r);
    if (responses.length >= count) return responses;
    if (Date.now() > end)
      throw new Error(`no survey got ${count} responses (last got ${responses.length})`);
  }
}

describe.each(nc.interopTransports)('SURVEYOR/RESPONDENT with nanocat over %s', (transport) => {
  describe.each(nc.roles)('our socket calls %s', (role) => {
    test('our Surveyor collects the answer of nanocat --respondent --data', async () => {
      const surveyor = track(new Surveyor({ deadline: 200 }));
      const start = nc.nanocatAt('--respondent', '--data', 'here "I" am', '--quoted');
      const { peer } = await nc.link(surveyor, transport, role, start);
      const responses = await surveyUntil(surveyor, 'roll\ncall', 1);
      expect(responses.map(String)).toEqual(['here "I" am']);
      const lines = await peer.waitForLines(1);
      for (const line of lines) expect(line).toBe(nc.quotedLine(Buffer.from('roll\ncall')));
    });

    test('every byte value both ways (our Surveyor, nanocat --respondent --file --hex)', async () => {
      const surveyor = track(new Surveyor({ deadline: 200 }));
      const answer = Buffer.from(nc.allBytes).reverse();
      const start = nc.nanocatAt('--respondent', '--file', nc.dataFile(answer), '--hex');
      const { peer } = await nc.link(surveyor, transport, role, start);
      const [response] = await surveyUntil(surveyor, nc.allBytes, 1);
      expect(response!.equals(answer)).toBe(true);
      for (const line of await peer.waitForLines(1)) expect(line).toBe(nc.hexLine(nc.allBytes));
    });

    test('nanocat --surveyor gets the answer of our Respondent', async () => {
      const respondent = track(new Respondent());
      const start = nc.nanocatAt('--surveyor', '--data', 'lunch?', '--interval', '0.2', '--quoted');
      const { peer } = await nc.link(respondent, transport, role, start);
      // nanocat asks again every 0.2 s; answer each survey until one answer is printed.
      const answering = (async () => {
        for await (const question of respondent) {
          expect(question).toEqual(Buffer.from('lunch?'));
          // Closing below may overtake an answer in flight: only that EBADF is expected.
          await respondent.send('yes, "pizza"').catch((error: unknown) => {
            if (!respondent.closed) throw error;
          });
        }
      })();
      const line = await peer.waitForLine(() => true);
      expect(line).toBe(nc.quotedLine(Buffer.from('yes, "pizza"')));
      await respondent.close();
      await answering;
    });
  });

  test('one survey of ours collects the answers of three nanocat respondents', async () => {
    const surveyor = track(new Surveyor({ deadline: 300 }));
    const address = nc.bindAny(surveyor, transport).address;
    const names = ['r1', 'r2', 'r3'];
    const peers = names.map((n) => nc.nanocatTo(address, '--respondent', '--data', n, '--ascii'));
    const responses = await surveyUntil(surveyor, 'count off', 3);
    expect(responses.map(String).sort()).toEqual(names);
    for (const peer of peers) expect((await peer.waitForLines(1))[0]).toBe('count off');
  });

  test('a one-shot nanocat --surveyor --delay prints our answer, then exits 0 at its deadline', async () => {
    const respondent = track(new Respondent());
    // nanocat binds, waits 0.5 s (--delay) for us to connect, sends one survey,
    // prints the answers until its deadline (1 s) and exits.
    const start = nc.nanocatAt('--surveyor', '--data', 'once', '--delay', '0.5', '--quoted');
    const { peer, address } = await nc.bindPeer(transport, start);
    respondent.connect(address);
    const question = await respondent.recv({ timeout: 5000 });
    expect(question.toString()).toBe('once');
    await respondent.send('answer');
    expect(await peer.waitForLines(1)).toEqual(['"answer"']);
    expect(await peer.waitForExit(5000)).toEqual({ code: 0, signal: null });
    expect(peer.lines()).toEqual(['"answer"']);
  });
});
