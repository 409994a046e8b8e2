import { afterEach, describe, expect, it } from 'vitest';
import { Socket } from '@nanomsg-ts/core';
import { bindAny, settledWithin, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

// Pairs of protocols that must never exchange a message (nanomsg checks the
// peer's protocol in the SP header when connecting).
const mismatches: [string, string][] = [
  ['NN_PAIR', 'NN_PULL'],
  ['NN_PUSH', 'NN_SUB'],
  ['NN_REQ', 'NN_RESPONDENT'],
  ['NN_BUS', 'NN_PAIR'],
  ['NN_PUB', 'NN_PULL'],
];

describe.each(transports.filter((t) => t !== 'ws'))(
  'incompatible protocols over %s',
  (transport) => {
    it.each(mismatches)('%s never talks to %s', async (sender, receiver) => {
      const tx = sockets.add(new Socket(sender));
      const rx = sockets.add(new Socket(receiver));
      if (receiver === 'NN_SUB') rx.setOption('NN_SUB_SUBSCRIBE', '');
      let addr: string;
      try {
        addr = bindAny(rx, transport).address;
        tx.connect(addr);
      } catch (error) {
        // inproc refuses the connection outright: that is "never talks" too.
        expect(error).toMatchObject({ code: 'EINVAL' });
        return;
      }
      const sending = tx.send('should not arrive', { timeout: 300 }).catch((e: unknown) => e);
      await sleep(100);
      expect(rx.tryRecv()).toBeUndefined();
      expect(await settledWithin(sending, 1000)).not.toBe('pending');
      expect(rx.tryRecv()).toBeUndefined();
    });
  },
);
