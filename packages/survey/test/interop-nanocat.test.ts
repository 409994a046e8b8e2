// Surveyor and Respondent against the C reference tool nanocat (nanomsg-utils),
// over ipc, tcp and ws, with our socket binding and connecting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Respondent, Surveyor } from '@nanomsg-ts/survey';
import {
  allBytes,
  bindOurs,
  bindPeer,
  endpointArgs,
  hexLine,
  interopTransports,
  killPeers,
  link,
  nanocat,
  quotedLine,
  roles,
} from '../../../testing/nanocat.js';

const files = mkdtempSync(join(tmpdir(), 'nanomsg-ts-nanocat-'));

const open: Array<{ close(): Promise<void> }> = [];
function track<T extends { close(): Promise<void> }>(socket: T): T {
  open.push(socket);
  return socket;
}

afterEach(async () => {
  await killPeers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

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

describe.each(interopTransports)('SURVEYOR/RESPONDENT with nanocat over %s', (transport) => {
  describe.each(roles)('our socket calls %s', (role) => {
    test('our Surveyor collects the answer of nanocat --respondent --data', async () => {
      const surveyor = track(new Surveyor({ deadline: 200 }));
      const { peer } = await link(surveyor, transport, role, (addr, binds) =>
        nanocat([
          '--respondent',
          ...endpointArgs(addr, binds),
          '--data',
          'here "I" am',
          '--quoted',
        ]),
      );
      const responses = await surveyUntil(surveyor, 'roll\ncall', 1);
      expect(responses.map(String)).toEqual(['here "I" am']);
      const lines = await peer.waitForLines(1);
      for (const line of lines) expect(line).toBe(quotedLine(Buffer.from('roll\ncall')));
    });

    test('every byte value both ways (our Surveyor, nanocat --respondent --file --hex)', async () => {
      const surveyor = track(new Surveyor({ deadline: 200 }));
      const answer = Buffer.from(allBytes).reverse();
      const file = join(files, `resp-${transport}-${role}.bin`);
      writeFileSync(file, answer);
      const { peer } = await link(surveyor, transport, role, (addr, binds) =>
        nanocat(['--respondent', ...endpointArgs(addr, binds), '--file', file, '--hex']),
      );
      const [response] = await surveyUntil(surveyor, allBytes, 1);
      expect(response!.equals(answer)).toBe(true);
      for (const line of await peer.waitForLines(1)) expect(line).toBe(hexLine(allBytes));
    });

    test('nanocat --surveyor gets the answer of our Respondent', async () => {
      const respondent = track(new Respondent());
      const { peer } = await link(respondent, transport, role, (addr, binds) =>
        nanocat([
          '--surveyor',
          ...endpointArgs(addr, binds),
          '--data',
          'lunch?',
          '--interval',
          '0.2',
          '--quoted',
        ]),
      );
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
      expect(line).toBe(quotedLine(Buffer.from('yes, "pizza"')));
      await respondent.close();
      await answering;
    });
  });

  test('one survey of ours collects the answers of three nanocat respondents', async () => {
    const surveyor = track(new Surveyor({ deadline: 300 }));
    const address = bindOurs(surveyor, transport);
    const names = ['r1', 'r2', 'r3'];
    const peers = names.map((n) =>
      nanocat(['--respondent', '--connect', address, '--data', n, '--ascii']),
    );
    const responses = await surveyUntil(surveyor, 'count off', 3);
    expect(responses.map(String).sort()).toEqual(names);
    for (const peer of peers) expect((await peer.waitForLines(1))[0]).toBe('count off');
  });

  test('a one-shot nanocat --surveyor --delay prints our answer, then exits 0 at its deadline', async () => {
    const respondent = track(new Respondent());
    // nanocat binds, waits 0.5 s (--delay) for us to connect, sends one survey,
    // prints the answers until its deadline (1 s) and exits.
    const { peer, address } = await bindPeer(transport, (addr) =>
      nanocat(['--surveyor', '--bind', addr, '--data', 'once', '--delay', '0.5', '--quoted']),
    );
    respondent.connect(address);
    const question = await respondent.recv({ timeout: 5000 });
    expect(question.toString()).toBe('once');
    await respondent.send('answer');
    expect(await peer.waitForLines(1)).toEqual(['"answer"']);
    expect(await peer.waitForExit(5000)).toEqual({ code: 0, signal: null });
    expect(peer.lines()).toEqual(['"answer"']);
  });
});
