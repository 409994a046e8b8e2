// libnanomsg 1.1.5 crashes the process when an inproc connection forms
// between two PAIR sockets while either one has a peer already: the side
// that takes the connection aborts on an assertion (sinproc.c:365), or the
// side whose connection the peer rejected keeps a dangling pointer and
// crashes (SIGSEGV, or an assertion in nn_mutex_lock) on its next send or
// nn_close; a PAIR connected to itself crashes the same way. inproc
// connections form only inside nn_bind/nn_connect, so the binding refuses
// there, with 'EISCONN', every endpoint whose connection could go that way:
// a second PAIR connecting to one inproc address, a connection to itself, or
// a connection while either socket is connected already or has an endpoint
// of another transport. Each scenario runs in a child process: before the
// fix every one of them died by a signal.
import { afterEach, describe, expect, it } from 'vitest';
import { Child, killChildren } from '@nanomsg-ts/testkit';

afterEach(killChildren);

const scenarios = [
  ['second-connector', 'a second PAIR connecting to a bound one (crashed on its send or close)'],
  ['connectors-before-bind', 'two PAIRs connected before the bind (nn_bind aborted)'],
  ['one-connector-two-binders', 'one PAIR connecting to two bound PAIRs (nn_connect aborted)'],
  ['same-address-twice', 'one PAIR connecting twice to one address (nn_connect aborted)'],
  [
    'inproc-and-tcp',
    'a PAIR bound on inproc and tcp, tcp peer first (the inproc peer crashed on close)',
  ],
  ['self', 'a PAIR connected to its own inproc address (crashed on send)'],
  ['many-binds', 'a PAIR bound on 20 inproc addresses, peers on two of them (crashed on close)'],
  ['waiting-then-tcp', 'a PAIR waiting on inproc with a tcp peer, then the bind (aborted)'],
  ['tcp-then-inproc', 'a PAIR with a tcp peer connecting over inproc (nn_connect aborted)'],
  ['workers', 'second connector in another worker thread (inproc is process-wide)'],
  ['sequential', '200 connectors one after another stay allowed; a concurrent one is refused'],
] as const;

describe('PAIR over inproc: endpoints that would crash libnanomsg are refused', () => {
  it.each(scenarios)('%s: %s', async (scenario) => {
    const child = new Child('pair-inproc.mjs', [scenario], { timeout: 20_000 });
    const result = await child.done;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.timedOut).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(child.json()).toEqual([{ scenario, refused: 'EISCONN', roundTrip: true }]);
  });
});
