// What a socket whose exchanges the binding runs refuses: the caller's own
// send and receive (EFSM) on a concurrent Req or Rep and on any Rep while it
// serves, a second serve (EFSM), bad serve arguments (TypeError, RangeError),
// and serve on a closed socket (EBADF). None of the refusals disturbs the
// exchanges under way.
import { afterEach, describe, expect, it } from 'vitest';
import { NanomsgError, Rep, Req } from '@nanomsg-ts/reqrep';
import { bindAny, sleep, track, waitFor } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

type Direct = Req | Rep;

/** Every way to send or receive directly, each returning what the call gave (value or promise). */
const direct: readonly [string, (s: Direct) => unknown][] = [
  ['send', (s) => s.send('x', { timeout: 100 })],
  ['recv', (s) => s.recv({ timeout: 100 })],
  ['trySend', (s) => s.trySend('x')],
  ['tryRecv', (s) => s.tryRecv()],
  ['sendMessage', (s) => s.sendMessage({ header: Buffer.alloc(8, 0x80), body: 'x' })],
  ['recvMessage', (s) => s.recvMessage({ timeout: 100 })],
  ['[Symbol.asyncIterator]', (s) => s[Symbol.asyncIterator]()],
  [
    'for await',
    async (s) => {
      for await (const _ of s) break;
    },
  ],
];

/** The error `call` throws or its promise rejects with; undefined if it succeeds. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Checks that every direct call on `socket` fails with EFSM. */
async function expectAllRefused(socket: Direct): Promise<void> {
  for (const [name, call] of direct) {
    const error = await failure(() => call(socket));
    expect(NanomsgError.isInstance(error), `${name}: ${String(error)}`).toBe(true);
    expect((error as NanomsgError).code, name).toBe('EFSM');
  }
}

const echo = (request: Buffer): Buffer => Buffer.concat([Buffer.from('re:'), request]);

/** A concurrent Req connected over inproc to a new Rep, and a gate the Rep's handler waits on. */
function setup(concurrentRep: boolean) {
  const rep = sockets.add(new Rep({ concurrent: concurrentRep }));
  const req = sockets.add(new Req({ concurrent: true }));
  req.connect(bindAny(rep, 'inproc').address);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let handling = 0;
  const handler = (r: Buffer) => {
    handling++;
    return gate.then(() => echo(r));
  };
  return { rep, req, open, handler, handling: () => handling };
}

describe('direct send and receive fail with EFSM', () => {
  it('on a concurrent Req, also with a request in flight, which still gets its reply', async () => {
    const { rep, req, open, handler, handling } = setup(true);
    await expectAllRefused(req);
    void rep.serve(handler);
    const pending = req.request('q', { timeout: 5000 });
    await waitFor(() => handling() === 1, 'the request to be handled');
    await expectAllRefused(req);
    open();
    expect(String(await pending)).toBe('re:q');
  });

  it('on a concurrent Rep, serving or not; the request it serves is still answered', async () => {
    const { rep, req, open, handler, handling } = setup(true);
    await expectAllRefused(rep);
    const pending = req.request('q', { timeout: 5000 });
    const ac = new AbortController();
    const serving = rep.serve(handler, { signal: ac.signal });
    await waitFor(() => handling() === 1, 'the request to be handled');
    await expectAllRefused(rep);
    open();
    expect(String(await pending)).toBe('re:q');
    ac.abort();
    await serving;
    await expectAllRefused(rep);
  });

  it('on a cooked Rep while it serves, and no longer once serving ended', async () => {
    const { rep, req, open, handler, handling } = setup(false);
    const ac = new AbortController();
    const serving = rep.serve(handler, { signal: ac.signal });
    await expectAllRefused(rep);
    const pending = req.request('q', { timeout: 5000 });
    await waitFor(() => handling() === 1, 'the request to be handled');
    await expectAllRefused(rep);
    open();
    expect(String(await pending)).toBe('re:q');
    ac.abort();
    await serving;
    // The caller's own loop works again.
    const next = req.request('by hand', { timeout: 5000 });
    expect(String(await rep.recv({ timeout: 5000 }))).toBe('by hand');
    await rep.send('done by hand');
    expect(String(await next)).toBe('done by hand');
  });
});

describe.each([
  ['concurrent', true],
  ['cooked', false],
] as const)('serve on a %s Rep', (_, concurrent) => {
  it('a second serve while one runs rejects with EFSM; the first serves on; after it ends, serve works again', async () => {
    const { rep, req } = setup(concurrent);
    const ac = new AbortController();
    const first = rep.serve(echo, { signal: ac.signal });
    const second = rep.serve(() => 'second');
    await expect(second).rejects.toMatchObject({ code: 'EFSM', syscall: 'nn_recv' });
    expect(String(await req.request('one', { timeout: 5000 }))).toBe('re:one');
    ac.abort();
    await first;
    void rep.serve(() => 'third');
    expect(String(await req.request('two', { timeout: 5000 }))).toBe('third');
  });

  it('rejects bad arguments (TypeError, RangeError) without throwing, and stays usable', async () => {
    const { rep, req } = setup(concurrent);
    const bad: [unknown, unknown, ErrorConstructor][] = [
      [undefined, undefined, TypeError],
      [null, undefined, TypeError],
      ['handler', undefined, TypeError],
      [{}, undefined, TypeError],
      [echo, 'options', TypeError],
      [echo, null, TypeError],
      [echo, { signal: {} }, TypeError],
      [echo, { onError: 'log' }, TypeError],
      [echo, { concurrency: 'x' }, TypeError],
      [echo, { concurrency: null }, TypeError],
      [echo, { concurrency: '8' }, TypeError],
      [echo, { concurrency: 0 }, RangeError],
      [echo, { concurrency: -1 }, RangeError],
      [echo, { concurrency: 1.5 }, RangeError],
      [echo, { concurrency: NaN }, RangeError],
      [echo, { concurrency: Infinity }, RangeError],
      [echo, { concurrency: 2 ** 53 }, RangeError],
    ];
    // A cooked Rep serves one request at a time: any other concurrency is a RangeError.
    if (!concurrent) bad.push([echo, { concurrency: 2 }, RangeError]);
    for (const [handler, opts, type] of bad) {
      let result: Promise<void> | undefined;
      const serve = rep.serve.bind(rep) as (h: unknown, o: unknown) => Promise<void>;
      expect(() => (result = serve(handler, opts))).not.toThrow();
      const error = await failure(() => result);
      expect(error, `serve(${String(handler)}, ${JSON.stringify(opts)})`).toBeInstanceOf(type);
    }
    await sleep(20);
    // Nothing was received meanwhile, and a good serve works.
    expect(rep.statistics().messagesReceived).toBe(0);
    void rep.serve(echo, { concurrency: concurrent ? 2 : 1 });
    expect(String(await req.request('ok', { timeout: 5000 }))).toBe('re:ok');
  });

  it('rejects with EBADF once the socket is closed', async () => {
    const rep = new Rep({ concurrent });
    await rep.close();
    await expect(rep.serve(echo)).rejects.toMatchObject({ code: 'EBADF' });
  });
});
