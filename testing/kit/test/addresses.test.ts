// The test kit's addresses: unique across the threads of a process, and
// bindAny's retry on a taken address (with a stand-in socket).
import { Worker } from 'node:worker_threads';
import { address, bindAny, transports } from '@nanomsg-ts/testkit';
import { describe, expect, it } from 'vitest';

describe('address', () => {
  it.each(transports)('gives a fresh %s address each time', (transport) => {
    const seen = new Set(Array.from({ length: 50 }, () => address(transport)));
    expect(seen.size).toBe(50);
    for (const a of seen) expect(a.startsWith(`${transport}://`)).toBe(true);
  });

  it('gives worker threads inproc and ipc addresses of their own', async () => {
    const source = `
      const { parentPort } = require('node:worker_threads');
      import('@nanomsg-ts/testkit/addresses').then(({ address }) =>
        parentPort.postMessage([address('inproc'), address('ipc', '/d')]));`;
    const fromWorker = (): Promise<string[]> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(source, { eval: true });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    const all = [
      address('inproc'),
      address('ipc', '/d'),
      ...(await fromWorker()),
      ...(await fromWorker()),
    ];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('bindAny', () => {
  const inUse = Object.assign(new Error('Address in use'), { code: 'EADDRINUSE' });

  it('returns what bind returned, after trying other addresses while one is in use', () => {
    const tried: string[] = [];
    const socket = {
      bind(where: string) {
        tried.push(where);
        if (tried.length < 3) throw inUse;
        return { address: where };
      },
    };
    const endpoint = bindAny(socket, 'tcp');
    expect(tried).toHaveLength(3);
    expect(new Set(tried).size).toBe(3);
    expect(endpoint).toEqual({ address: tried[2] });
  });

  it('gives up after 25 addresses in use, and at once on any other error', () => {
    let calls = 0;
    const busy = {
      bind(): never {
        calls++;
        throw inUse;
      },
    };
    expect(() => bindAny(busy, 'tcp')).toThrow(inUse);
    expect(calls).toBe(25);
    const invalid = Object.assign(new Error('Invalid argument'), { code: 'EINVAL' });
    calls = 0;
    const refusing = {
      bind(): never {
        calls++;
        throw invalid;
      },
    };
    expect(() => bindAny(refusing, 'ws')).toThrow(invalid);
    expect(calls).toBe(1);
  });
});
