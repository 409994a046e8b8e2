import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '@nanomsg-ts/bus';
import { bindAny, connections, sleep, track, transports } from '@nanomsg-ts/testkit';

const sockets = track();
afterEach(() => sockets.closeAll());

function drain(bus: Bus): string[] {
  const out: string[] = [];
  for (let m = bus.tryRecv(); m !== undefined; m = bus.tryRecv()) out.push(String(m));
  return out;
}

describe.each(transports)('bus over %s', (transport) => {
  it('delivers each message to every other node of a three-node mesh, never to its sender', async () => {
    const [a, b, c] = [new Bus(), new Bus(), new Bus()].map((s) => sockets.add(s)) as [
      Bus,
      Bus,
      Bus,
    ];
    const addrA = bindAny(a, transport).address;
    const addrB = bindAny(b, transport).address;
    b.connect(addrA);
    c.connect(addrA);
    c.connect(addrB);
    await connections(a, 2);
    await connections(b, 2);
    await connections(c, 2);
    await a.send('from a');
    await b.send('from b');
    await c.send('from c');
    await sleep(100);
    expect(drain(a).sort()).toEqual(['from b', 'from c']);
    expect(drain(b).sort()).toEqual(['from a', 'from c']);
    expect(drain(c).sort()).toEqual(['from a', 'from b']);
  });
});
