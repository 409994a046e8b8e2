// Subscription bookkeeping (src/subscriptions.ts), derived from the symbol
// table: libnanomsg 1.1.5 crashes unsubscribing on a SUB with no
// subscription, so removing a topic that is not there is refused first, also
// on a generic Socket whose protocol package was never imported.
import { describe, expect, it } from 'vitest';
import { optionSpec } from '../../src/options.js';
import { Socket } from '../../src/socket.js';
import { Subscriptions } from '../../src/subscriptions.js';
import { thrown } from '@nanomsg-ts/testkit';

const spec = (name: string) => optionSpec(name, 'nn_setsockopt');

describe('Subscriptions.of', () => {
  it('finds the protocols whose options include <PROTOCOL>_SUBSCRIBE and _UNSUBSCRIBE', () => {
    expect(Subscriptions.of('NN_SUB')).toBeInstanceOf(Subscriptions);
    for (const p of ['NN_PUB', 'NN_PAIR', 'NN_REQ', 'NN_BUS', 'NN_NO_SUCH']) {
      expect(Subscriptions.of(p), p).toBeUndefined();
    }
  });
});

describe('Subscriptions.change', () => {
  it('counts topics as the library does and refuses removing one that is not there', () => {
    const subs = Subscriptions.of('NN_SUB')!;
    let applied = 0;
    const apply = () => applied++;
    expect(thrown(() => subs.change(spec('NN_SUB_UNSUBSCRIBE'), 'a', apply))).toMatchObject({
      code: 'EINVAL',
      syscall: 'nn_setsockopt',
    });
    expect(applied).toBe(0); // the library never saw it
    expect(subs.change(spec('NN_SUB_SUBSCRIBE'), 'a', apply)).toBe(false);
    expect(subs.change(spec('NN_SUB_SUBSCRIBE'), new Uint8Array([0x61]), apply)).toBe(false);
    expect(subs.change(spec('NN_SUB_UNSUBSCRIBE'), 'a', apply)).toBe(false); // one left
    expect(subs.matches(Buffer.from('abc'))).toBe(true);
    expect(subs.change(spec('NN_SUB_UNSUBSCRIBE'), 'a', apply)).toBe(true); // gone for good
    expect(subs.matches(Buffer.from('abc'))).toBe(false);
    expect(applied).toBe(4);
  });

  it('passes other options straight through', () => {
    const subs = Subscriptions.of('NN_SUB')!;
    let applied = 0;
    expect(subs.change(spec('NN_SOCKET_NAME'), 'x', () => applied++)).toBe(false);
    expect(applied).toBe(1);
  });

  it('matches by byte prefix; the empty topic matches everything', () => {
    const subs = Subscriptions.of('NN_SUB')!;
    subs.change(spec('NN_SUB_SUBSCRIBE'), Buffer.from([0xff, 0x01]), () => {});
    expect(subs.matches(Buffer.from([0xff, 0x01, 0x02]))).toBe(true);
    expect(subs.matches(Buffer.from([0xff]))).toBe(false);
    subs.change(spec('NN_SUB_SUBSCRIBE'), '', () => {});
    expect(subs.matches(Buffer.alloc(0))).toBe(true);
  });
});

describe('a generic Socket of NN_SUB (no protocol package imported)', () => {
  it('refuses unsubscribing from a topic it never subscribed to, instead of crashing', async () => {
    const sub = new Socket('NN_SUB');
    expect(thrown(() => sub.setOption('NN_SUB_UNSUBSCRIBE', 'never'))).toMatchObject({
      code: 'EINVAL',
    });
    sub.setOption('NN_SUB_SUBSCRIBE', 'news');
    sub.setOption('NN_SUB_UNSUBSCRIBE', 'news');
    expect(thrown(() => sub.setOption('NN_SUB_UNSUBSCRIBE', 'news'))).toMatchObject({
      code: 'EINVAL',
    });
    await sub.close();
  });
});
