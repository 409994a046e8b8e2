// REQ/REP across the boundary: the web package's Req and Rep against the
// Node.js binding's Rep and Req on libnanomsg's ws transport.
import { Rep as NodeRep, Req as NodeReq } from '@nanomsg-ts/reqrep';
import {
  codeOf,
  outcome,
  pattern,
  rejection,
  sleep,
  useTracked,
  waitFor,
} from '@nanomsg-ts/testkit';
import { describe, expect, test } from 'vitest';
import { Rep, Req } from '../src/index.js';
import { bindWs, connected, sameBytes, text } from './peers.js';

const track = useTracked();

describe('web Req -> Node.js Rep', () => {
  test('request and reply', async () => {
    const rep = track(new NodeRep());
    const url = bindWs(rep);
    void rep.serve((m) => `re:${String(m)}`).catch(() => {});
    const req = track(new Req());
    req.connect(url);
    expect(text(await req.request('héllo'))).toBe('re:héllo');
  });

  test("a server sending text frames: the reply's SP header is not UTF-8, a clear error", async () => {
    // WebSocket clients must fail a text frame that is not UTF-8 (RFC 6455,
    // close code 1007), and every REP reply starts with the request id.
    const rep = track(new NodeRep({ wsMessageType: 'text' }));
    const url = bindWs(rep);
    void rep.serve((m) => m).catch(() => {});
    const req = track(new Req({ reconnectInterval: 20 }));
    req.connect(url);
    const result = await outcome(req.request('x'));
    // The id is random, and about one in fifty, followed by this reply, is
    // valid UTF-8: then the frame is taken, and must carry the right reply.
    if ('value' in result) {
      expect(text(result.value)).toBe('x');
      return;
    }
    const error = result.error as { code?: string; message: string };
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toMatch(/lost 3 times.*closed with code/);
  });

  test('0 B and 1 MiB requests come back byte-exact', async () => {
    const rep = track(new NodeRep({ receiveMaxSize: 2 * 1024 * 1024 }));
    const url = bindWs(rep);
    void rep.serve((m) => m).catch(() => {});
    const req = track(new Req({ receiveMaxSize: 2 * 1024 * 1024 }));
    req.connect(url);
    const big = new Uint8Array(pattern(1024 * 1024));
    expect((await req.request(new Uint8Array(0))).byteLength).toBe(0);
    expect(sameBytes(await req.request(big), big)).toBe(true);
  });

  test('200 requests in flight at once, each answered with its own reply', async () => {
    const rep = track(new NodeRep({ concurrent: true }));
    const url = bindWs(rep);
    void rep.serve(
      async (m) => {
        await sleep(Math.random() * 20);
        return `re:${String(m)}`;
      },
      { concurrency: 64 },
    );
    const req = track(new Req());
    req.connect(url);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => req.request(`q${i}`)));
    expect(replies.map(text)).toEqual(Array.from({ length: 200 }, (_, i) => `re:q${i}`));
  });

  test('requests spread over two servers, round-robin', async () => {
    const seen = [0, 0];
    const reps = [track(new NodeRep()), track(new NodeRep())];
    const req = track(new Req());
    reps.forEach((rep, i) => {
      req.connect(bindWs(rep));
      void rep
        .serve(() => {
          seen[i]!++;
          return 'ok';
        })
        .catch(() => {});
    });
    await connected(req, 2);
    for (let i = 0; i < 10; i++) await req.request('x');
    expect(seen).toEqual([5, 5]);
  });

  test('a request made while the server is down is answered when it comes up', async () => {
    const first = new NodeRep();
    const url = bindWs(first);
    const req = track(new Req({ reconnectInterval: 50 }));
    req.connect(url);
    await connected(req);
    await first.close();
    await waitFor(() => req.statistics().currentConnections === 0, 'the connection lost');
    const reply = req.request('while down');
    await sleep(150);
    const second = track(new NodeRep());
    second.bind(url);
    void second.serve((m) => `late:${String(m)}`).catch(() => {});
    expect(text(await reply)).toBe('late:while down');
  });

  test('a request lost with its server is sent again on the new connection', async () => {
    const first = new NodeRep();
    const url = bindWs(first);
    const req = track(new Req({ reconnectInterval: 50 }));
    req.connect(url);
    await connected(req);
    const reply = req.request('again');
    await waitFor(() => first.tryRecv() !== undefined, 'the request at the first server');
    await first.close(); // never answered
    const second = track(new NodeRep());
    second.bind(url);
    void second.serve((m) => `second:${String(m)}`).catch(() => {});
    expect(text(await reply)).toBe('second:again');
  });

  test('a request the server drops the connection for fails with ECONNRESET, not forever', async () => {
    const rep = track(new NodeRep({ receiveMaxSize: 1024 }));
    const url = bindWs(rep);
    void rep.serve((m) => m).catch(() => {});
    const req = track(new Req({ reconnectInterval: 20 }));
    req.connect(url);
    const error = await rejection(req.request(new Uint8Array(4096)));
    expect(error.code).toBe('ECONNRESET');
    expect(text(await req.request('small'))).toBe('small'); // the socket goes on
  });

  test('resendInterval: a request without a reply is sent again', async () => {
    const rep = track(new NodeRep({ concurrent: true }));
    const url = bindWs(rep);
    let calls = 0;
    void rep.serve(
      async () => {
        if (++calls === 1) throw new Error('no reply to the first one');
        return 'second time';
      },
      { onError: () => {} },
    );
    const req = track(new Req({ resendInterval: 100 }));
    expect(req.resendInterval).toBe(100);
    req.connect(url);
    expect(text(await req.request('x'))).toBe('second time');
    expect(calls).toBe(2);
  });

  test('timeout, abort and close settle a request on its own', async () => {
    const rep = track(new NodeRep());
    const req = track(new Req());
    req.connect(bindWs(rep)); // never served
    const slow = rejection(req.request('a', { timeout: 50 }));
    const controller = new AbortController();
    const aborted = rejection(req.request('b', { signal: controller.signal }));
    controller.abort(new Error('stop'));
    const closed = rejection(req.request('c'));
    expect((await slow).code).toBe('ETIMEDOUT');
    expect((await aborted).message).toBe('stop');
    await req.close();
    expect((await closed).code).toBe('EBADF');
    expect((await rejection(req.request('d'))).code).toBe('EBADF');
  });

  test('cooked send then recv; recv before send is EFSM', async () => {
    const rep = track(new NodeRep());
    const url = bindWs(rep);
    void rep.serve((m) => `re:${String(m)}`).catch(() => {});
    const req = track(new Req());
    req.connect(url);
    expect(codeOf(await rejection(req.recv()))).toBe('EFSM');
    await req.send('one');
    expect(text(await req.recv())).toBe('re:one');
    expect(codeOf(await rejection(req.recv({ timeout: 0 })))).toBe('EFSM');
  });

  test('a server of another socket type never completes the handshake: the request times out', async () => {
    const wrong = track(new NodeReq());
    const req = track(new Req({ handshakeTimeout: 200 }));
    req.connect(bindWs(wrong));
    expect((await rejection(req.request('x', { timeout: 600 }))).code).toBe('ETIMEDOUT');
    expect(req.statistics().establishedConnections).toBe(0);
  });
});

describe('Node.js Req -> web Rep', () => {
  test('serve answers each request on its own connection', async () => {
    const nodeReq = track(new NodeReq());
    const url = bindWs(nodeReq);
    const rep = track(new Rep());
    rep.connect(url);
    const controller = new AbortController();
    const serving = rep.serve((m) => `re:${text(m)}`, { signal: controller.signal });
    expect(String(await nodeReq.request('ping', { timeout: 5000 }))).toBe('re:ping');
    expect(String(await nodeReq.request('', { timeout: 5000 }))).toBe('re:');
    controller.abort();
    await serving;
  });

  test('concurrent Node.js requests served up to `concurrency` at once', async () => {
    const nodeReq = track(new NodeReq({ concurrent: true }));
    const url = bindWs(nodeReq);
    const rep = track(new Rep());
    rep.connect(url);
    let running = 0;
    let most = 0;
    void rep.serve(
      async (m) => {
        most = Math.max(most, ++running);
        await sleep(10);
        running--;
        return m;
      },
      { concurrency: 8 },
    );
    await connected(rep);
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => nodeReq.request(`r${i}`, { timeout: 5000 })),
    );
    expect(replies.map(String)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    expect(most).toBe(8);
  });

  test('cooked recv then send; send before recv is EFSM; direct I/O while serving is EFSM', async () => {
    const nodeReq = track(new NodeReq());
    const url = bindWs(nodeReq);
    const rep = track(new Rep());
    rep.connect(url);
    expect(codeOf(await rejection(rep.send('x')))).toBe('EFSM');
    const reply = nodeReq.request(new Uint8Array(pattern(1024 * 1024 - 64)), { timeout: 5000 });
    const request = await rep.recv({ timeout: 5000 });
    expect(sameBytes(request, pattern(1024 * 1024 - 64))).toBe(true);
    await rep.send(request.subarray(0, 10));
    expect(sameBytes(await reply, request.subarray(0, 10))).toBe(true);
    const controller = new AbortController();
    const serving = rep.serve((m) => m, { signal: controller.signal });
    expect(codeOf(await rejection(rep.recv()))).toBe('EFSM');
    expect(codeOf(await rejection(rep.serve((m) => m)))).toBe('EFSM');
    controller.abort();
    await serving;
  });

  test('a handler that throws sends nothing and is reported; serving goes on', async () => {
    const nodeReq = track(new NodeReq({ resendInterval: 100 }));
    const url = bindWs(nodeReq);
    const rep = track(new Rep());
    rep.connect(url);
    const errors: unknown[] = [];
    let calls = 0;
    void rep.serve(
      (m) => {
        if (++calls === 1) throw new Error('first fails');
        return m;
      },
      { onError: (e) => errors.push(e) },
    );
    expect(String(await nodeReq.request('x', { timeout: 5000 }))).toBe('x');
    expect(errors).toHaveLength(1);
  });

  test('serve ends when the socket closes', async () => {
    const rep = track(new Rep());
    const serving = rep.serve((m) => m);
    await rep.close();
    await expect(serving).resolves.toBeUndefined();
  });
});
