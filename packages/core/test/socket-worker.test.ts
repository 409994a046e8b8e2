// Sockets in worker threads: each thread has its own event loop, and inproc
// connects threads of one process.
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { symbol } from '@nanomsg-ts/core';
import { address, runDir, coreTransports as transports, useSockets } from '@nanomsg-ts/testkit';

const open = useSockets();

// The main thread loads the addon first, as an application using nanomsg on
// both sides would. (A process where only workers load it, and workers
// terminated with sockets open, are covered in child processes by
// socket-worker-teardown.test.ts.)
beforeAll(() => {
  symbol('NN_PAIR');
});

function worker(name: string, workerData: unknown): Worker {
  return new Worker(new URL(`./fixtures/${name}`, import.meta.url), { workerData });
}

function exited(w: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('exit', resolve);
  });
}

function firstMessage<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('message', resolve);
  });
}

describe.each(transports)('Socket inside a worker thread over %s', (transport) => {
  it('create, bind, connect, send, recv, timeout and close all inside the worker', async () => {
    const w = worker('worker-roundtrip.mjs', { transport, ipcDir: runDir, count: 100 });
    const exit = exited(w);
    const report = await firstMessage<{
      address: string;
      received: string[];
      back: string;
      timedOut: string;
      closed: boolean;
    }>(w);
    expect(report.address.startsWith(`${transport}://`)).toBe(true);
    expect(report.received).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(report.back).toBe('back');
    expect(report.timedOut).toBe('ETIMEDOUT');
    expect(report.closed).toBe(true);
    expect(await exit).toBe(0);
  });
});

describe('Socket between a worker thread and the main thread', () => {
  it('inproc: the main thread sends, the worker echoes every message back in order', async () => {
    const main = open('NN_PAIR');
    const where = address('inproc');
    main.bind(where);
    const count = 50;
    const w = worker('worker-echo.mjs', { address: where, count });
    const exit = exited(w);
    await firstMessage(w);
    const echoes: string[] = [];
    for (let i = 0; i < count; i++) {
      await main.send(`n${i}`);
      echoes.push((await main.recv({ timeout: 10_000 })).toString());
    }
    expect(echoes).toEqual(Array.from({ length: count }, (_, i) => `echo:n${i}`));
    w.postMessage('done');
    expect(await exit).toBe(0);
  });
});
