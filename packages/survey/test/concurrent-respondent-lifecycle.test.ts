// Respondent.serve on a cooked and on a concurrent Respondent: a handler that
// throws, rejects or returns no message sends no response and is reported
// (onError, by default a process warning); serve ends on abort and on close
// once the running handlers have ended; a second serve, and direct I/O while
// serving, fail with EFSM.
import { describe, expect, it } from 'vitest';
import { NanomsgError, Respondent, Surveyor, type RequestHandler } from '@nanomsg-ts/survey';
import {
  bindAny,
  connections,
  settledWithin,
  sleep,
  thrown,
  useTracked,
  waitFor,
} from '@nanomsg-ts/testkit';

const track = useTracked();

/** A concurrent Surveyor on inproc, with `respondent` connected to it. */
async function surveyorFor(respondent: Respondent, deadline = 300): Promise<Surveyor> {
  const surveyor = track(new Surveyor({ concurrent: true, deadline }));
  respondent.connect(bindAny(surveyor, 'inproc').address);
  await connections(surveyor, 1);
  return surveyor;
}

/** The responses of one survey, to its end. */
async function answers(surveyor: Surveyor, question: string): Promise<string[]> {
  const out: string[] = [];
  for await (const answer of surveyor.survey(question)) out.push(String(answer));
  return out;
}

/** A handler that waits for `release()` on question `wait`, and answers `re:question`. */
function held(): { handler: RequestHandler; release(): void; running(): boolean } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let running = false;
  const handler = async (question: Buffer): Promise<string> => {
    if (String(question) === 'wait') {
      running = true;
      await gate;
      running = false;
    }
    return `re:${String(question)}`;
  };
  return { handler, release: () => release(), running: () => running };
}

const received = (r: Respondent): number => r.statistics().messagesReceived!;

describe.each([false, true])('serve on a Respondent with concurrent: %s', (concurrent) => {
  it('sends no response when the handler throws, rejects or returns no message; tells onError; goes on', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const surveyor = await surveyorFor(respondent);
    const thrownError = new Error('thrown');
    const rejected = new Error('rejected');
    const handler = (question: Buffer): unknown => {
      switch (String(question)) {
        case 'throw':
          throw thrownError;
        case 'reject':
          return Promise.reject(rejected);
        case 'number':
          return 42;
        case 'null':
          return Promise.resolve(null);
        default:
          return `re:${String(question)}`;
      }
    };
    const told: [unknown, string][] = [];
    void respondent.serve(handler as RequestHandler, {
      onError: (error, request) => told.push([error, String(request)]),
    });
    for (const q of ['throw', 'reject', 'number', 'null']) {
      expect(await answers(surveyor, q)).toEqual([]);
    }
    expect(await answers(surveyor, 'fine')).toEqual(['re:fine']);
    expect(told.map(([, request]) => request)).toEqual(['throw', 'reject', 'number', 'null']);
    expect(told[0]![0]).toBe(thrownError);
    expect(told[1]![0]).toBe(rejected);
    expect(told[2]![0]).toBeInstanceOf(TypeError);
    expect(told[3]![0]).toBeInstanceOf(TypeError);
  });

  it('reports a failed handler as a process warning by default, and an onError that throws too', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const respondent = track(new Respondent({ concurrent }));
      const surveyor = await surveyorFor(respondent);
      void respondent.serve((q) => {
        if (String(q) === 'fail') throw new Error('handler failed: boom');
        return `re:${String(q)}`;
      });
      expect(await answers(surveyor, 'fail')).toEqual([]);
      await waitFor(() => warnings.length > 0, 'a warning');
      expect(warnings[0]!.name).toBe('NanomsgServeWarning');
      expect(warnings[0]!.message).toContain('handler failed: boom');
      expect(await answers(surveyor, 'fine')).toEqual(['re:fine']);

      const other = track(new Respondent({ concurrent }));
      const asker = await surveyorFor(other);
      void other.serve(
        () => {
          throw new Error('first');
        },
        {
          onError: () => {
            throw new Error('onError failed too');
          },
        },
      );
      expect(await answers(asker, 'x')).toEqual([]);
      await waitFor(() => warnings.some((w) => w.message.includes('onError failed too')), 'it');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('resolves on abort once the running handler has ended; its response is sent; nothing more is taken', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const surveyor = await surveyorFor(respondent, 3000);
    const { handler, release, running } = held();
    const controller = new AbortController();
    const serving = respondent.serve(handler, { signal: controller.signal });
    const survey = surveyor.survey('wait');
    await waitFor(running, 'the handler');
    const taken = received(respondent);
    controller.abort();
    expect(await settledWithin(serving, 100)).toBe('pending');
    release();
    expect(await settledWithin(serving, 2000)).toEqual({ value: undefined });
    expect(String((await survey.next()).value)).toBe('re:wait');
    // A survey after the abort waits in the library.
    const later = surveyor.survey('later');
    await sleep(100);
    expect(received(respondent)).toBe(taken);
    await later.return!();
  });

  it('resolves at once on abort while idle, and at once when the signal was already aborted', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const controller = new AbortController();
    const serving = respondent.serve(() => 'x', { signal: controller.signal });
    await sleep(20);
    controller.abort();
    expect(await settledWithin(serving, 500)).toEqual({ value: undefined });
    const surveyor = await surveyorFor(respondent);
    const survey = surveyor.survey('q');
    await sleep(50);
    const again = respondent.serve(() => 'x', { signal: AbortSignal.abort() });
    expect(await settledWithin(again, 500)).toEqual({ value: undefined });
    expect(received(respondent)).toBe(0);
    await survey.return!();
  });

  it('resolves on close once the running handler has ended, reporting nothing', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const surveyor = await surveyorFor(respondent, 3000);
    const { handler, release, running } = held();
    const told: unknown[] = [];
    const serving = respondent.serve(handler, { onError: (error) => told.push(error) });
    void surveyor.survey('wait').next();
    await waitFor(running, 'the handler');
    await respondent.close();
    expect(await settledWithin(serving, 100)).toBe('pending');
    release();
    expect(await settledWithin(serving, 2000)).toEqual({ value: undefined });
    expect(told).toEqual([]);
  });

  it('resolves at once on close while idle', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const serving = respondent.serve(() => 'x');
    await sleep(20);
    await respondent.close();
    expect(await settledWithin(serving, 500)).toEqual({ value: undefined });
  });

  it('refuses a second serve, and send, recv and their variants, with EFSM while serving', async () => {
    const respondent = track(new Respondent({ concurrent }));
    const controller = new AbortController();
    const serving = respondent.serve(() => 'x', { signal: controller.signal });
    const refusals = [
      await respondent.serve(() => 'y').catch((e: unknown) => e),
      await respondent.send('x').catch((e: unknown) => e),
      await respondent.recv({ timeout: 50 }).catch((e: unknown) => e),
      thrown(() => respondent.trySend('x')),
      thrown(() => respondent.tryRecv()),
      thrown(() => respondent[Symbol.asyncIterator]()),
    ];
    if (concurrent) {
      refusals.push(
        await respondent.recvMessage({ timeout: 50 }).catch((e: unknown) => e),
        await respondent
          .sendMessage({ header: Buffer.alloc(8), body: 'x' })
          .catch((e: unknown) => e),
      );
    }
    for (const error of refusals) {
      expect(NanomsgError.isInstance(error) && error.code).toBe('EFSM');
    }
    controller.abort();
    await serving;
    // Serving has ended: serve again is allowed (and direct I/O on a cooked socket).
    const next = new AbortController();
    const again = respondent.serve(() => 'x', { signal: next.signal });
    next.abort();
    await again;
    const recv = await settledWithin(respondent.recv({ timeout: 50 }), 1000);
    expect(NanomsgError.isInstance((recv as { error: unknown }).error)).toBe(true);
    expect(((recv as { error: NanomsgError }).error as NanomsgError).code).toBe(
      concurrent ? 'EFSM' : 'ETIMEDOUT',
    );
  });

  it('rejects serve on a closed socket with EBADF', async () => {
    const respondent = new Respondent({ concurrent });
    await respondent.close();
    await expect(respondent.serve(() => 'x')).rejects.toMatchObject({ code: 'EBADF' });
  });
});
