// Descriptors: 1,000 open/bind/connect/exchange/close cycles per transport
// leave no file descriptor behind (counted in /proc/self/fd) and, over ipc,
// no socket file. A control shows that the count does see the descriptors
// of open sockets (each nanomsg socket holds eventfds, each tcp connection
// a socket), so a leak would show.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from '@nanomsg-ts/core';
import { bindAny, openFds, sleep, type Transport } from '@nanomsg-ts/testkit';

const CYCLES = 1000;
const transports: readonly Transport[] = ['inproc', 'ipc', 'tcp', 'ws'];

// libnanomsg starts its worker threads (with their own descriptors) with the
// first socket and stops them with the last: one socket stays open so that
// the counts compare like with like.
let keep: Socket;
beforeAll(() => {
  keep = new Socket('NN_PAIR');
});
afterAll(async () => {
  await keep.close();
});

async function cycle(transport: Transport, protocol: [string, string]): Promise<string> {
  const a = new Socket(protocol[0], { receiveTimeout: 5000, sendTimeout: 5000 });
  const b = new Socket(protocol[1], { receiveTimeout: 5000, sendTimeout: 5000 });
  try {
    const where = bindAny(a, transport).address;
    b.connect(where);
    await b.send('ping');
    if (String(await a.recv()) !== 'ping') throw new Error('wrong message');
    return where;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/** The ipc socket files in the folder of `where`. */
function ipcFiles(where: string): string[] {
  const path = where.slice('ipc://'.length);
  const dir = path.slice(0, path.lastIndexOf('/'));
  return readdirSync(dir).filter((f) => f.endsWith('.ipc'));
}

describe('file descriptors', () => {
  it('control: 50 open and connected tcp socket pairs hold descriptors, and closing them gives every one back', async () => {
    const before = openFds();
    const open: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const a = new Socket('NN_PAIR');
      const b = new Socket('NN_PAIR');
      b.connect(bindAny(a, 'tcp').address);
      open.push(a, b);
      await b.send('x');
      await a.recv({ timeout: 5000 });
    }
    const during = openFds();
    await Promise.all(open.map((s) => s.close()));
    await sleep(50);
    const after = openFds();
    console.log(`control: descriptors ${before} -> ${during} with 100 sockets -> ${after}`);
    expect(during - before).toBeGreaterThanOrEqual(200);
    expect(after).toBe(before);
  });

  it.each(transports)(
    `${CYCLES} open/bind/connect/exchange/close cycles over %s leave no descriptor behind`,
    async (transport) => {
      for (let i = 0; i < 20; i++) await cycle(transport, ['NN_PAIR', 'NN_PAIR']); // warm-up
      await sleep(50);
      const before = openFds();
      const protocols: [string, string][] = [
        ['NN_PAIR', 'NN_PAIR'],
        ['NN_PULL', 'NN_PUSH'],
        ['NN_REP', 'NN_REQ'],
      ];
      let where = '';
      const started = performance.now();
      for (let i = 0; i < CYCLES; i++) where = await cycle(transport, protocols[i % 3]!);
      const ms = performance.now() - started;
      await sleep(100);
      const after = openFds();
      console.log(
        `${transport}: ${CYCLES} cycles in ${(ms / 1000).toFixed(1)} s, descriptors ${before} -> ${after}`,
      );
      expect(after - before, 'descriptors left behind').toBe(0);
      if (transport === 'ipc') expect(ipcFiles(where), 'ipc socket files left behind').toEqual([]);
    },
    120_000,
  );
});
