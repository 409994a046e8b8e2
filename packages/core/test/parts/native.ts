// Native sockets of the addon, as core's parts use them, for the parts' unit
// tests: made through core's own symbol table (src), closed after each test.
import { afterEach } from 'vitest';
import type { Lifecycle } from '../../src/lifecycle.js';
import type { NativeSocket } from '../../src/native.js';
import { OptionValues } from '../../src/option-values.js';
import { Turns } from '../../src/turns.js';
import { lib, symbol } from '../../src/symbols.js';
import { readyBits } from '../../src/watch.js';
import { address, waitFor } from '@nanomsg-ts/testkit';

const open: NativeSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A native socket of `protocol`; `onReady` gets the watchers' events. Closed after the test. */
export function nativeSocket(
  protocol: string,
  { raw = false, onReady = () => {} }: { raw?: boolean; onReady?: (events: number) => void } = {},
): NativeSocket {
  const s = new (lib().native.Socket)(
    symbol(raw ? 'AF_SP_RAW' : 'AF_SP'),
    symbol(protocol),
    onReady,
  );
  open.push(s);
  return s;
}

/** Two native sockets over inproc: `bound` and `connected` (of `other`, default the same protocol). */
export function nativePair(
  protocol: string,
  other = protocol,
  raw = false,
): { bound: NativeSocket; connected: NativeSocket } {
  const bound = nativeSocket(protocol, { raw });
  const connected = nativeSocket(other, { raw });
  const where = address('inproc');
  bound.bind(where);
  connected.connect(where);
  return { bound, connected };
}

/** Waits until the library has a message for `socket` (nn_poll). */
export function readable(socket: NativeSocket): Promise<void> {
  const { readable: bit } = readyBits();
  return waitFor(() => (socket.poll(bit) & bit) !== 0, 'a message to receive');
}

/** The state and callbacks a socket gives its send and receive queues, around `native`. */
export function queueHost(
  native: NativeSocket,
  { raw = false, sent }: { raw?: boolean; sent?: () => void } = {},
): {
  native: NativeSocket;
  raw: boolean;
  options: OptionValues;
  turns: Turns;
  state: Lifecycle;
  changed: () => void;
  sent: (() => void) | undefined;
  /** How often `changed` was called. */
  changes: number;
} {
  const host = {
    native,
    raw,
    options: new OptionValues(native, undefined, () => {}),
    turns: new Turns(),
    state: { closed: false, terminated: false },
    changed: () => {
      host.changes++;
    },
    sent,
    changes: 0,
  };
  return host;
}
