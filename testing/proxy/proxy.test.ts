// nginx in front of libnanomsg's ws transport, as the shipped example
// (examples/web/proxy/nginx.conf) sets it up: a REP bound to a loopback ws
// endpoint, nginx terminating TLS and letting in listed origins only. The
// example runs as shipped, with this test's ports, certificate and origins in
// its lines marked "# adapt:" (example.ts).
//
// The REP runs in a child process (fixtures/ws-rep.mjs), so that a crash of
// libnanomsg shows as its exit instead of ending the test; it reports how
// many connections libnanomsg accepted, which shows whether a refused client
// reached it. nginx runs as a child process too (nginx.ts), with a
// self-signed certificate made by openssl (cert.ts), and also serves a page
// on a second port, whose origin it allows, as a browser test would need.
// The clients are real: a hand-made one over TLS (wss.ts) that sends any
// bytes and header, and Node.js's standard WebSocket (fixtures/ws-client.mjs).
//
// libnanomsg 1.1.5 aborts the process of a bound ws socket on some opening
// handshakes (RELIABILITY.md, "The library's limits"); each such handshake is
// sent here straight to a REP first (the control: it must abort), then
// through nginx (the service must keep answering).
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, killChildren, sleep } from '@nanomsg-ts/testkit';
import { makeCertificate, type TestCertificate } from './cert.js';
import { startExample } from './example.js';
import { nginxFolder, type Nginx } from './nginx.js';
import { serviceStatus, startService, type Service } from './service.js';
import {
  handshake,
  openTcp,
  openTls,
  reqMessage,
  type Connection,
  type HandshakeOptions,
} from './wss.js';

/** The example's own allowed origin, which the test's nginx keeps. */
const EXAMPLE_ORIGIN = 'https://app.example.com';
/** The origin of the page nginx serves on its second port (known once it runs). */
let pageOrigin: string;
/** The origins the test's nginx lets in. */
let allowed: string[];
const PROTOCOL = 'rep.sp.nanomsg.org';
const PATH = '/nanomsg/rep';

let dir: string;
let cert: TestCertificate;

/** Node.js 20 has the standard WebSocket behind a flag (22 and later have it on). */
const webSocketArgv = process.versions.node.startsWith('20.') ? ['--experimental-websocket'] : [];

let service: Service;
let nginx: Nginx;
let port: number;

beforeAll(async () => {
  dir = nginxFolder();
  cert = makeCertificate(dir);
  service = await startService();
  // A second server, as a browser test would have for its pages: a page
  // over https from nginx itself, whose origin is allowed.
  nginx = await startExample({
    dir,
    cert,
    upstreamPort: service.port,
    origins: ([page]) => [EXAMPLE_ORIGIN, `https://localhost:${page}`],
    morePorts: 1,
    more: ([page]) => `server {
    listen 127.0.0.1:${page} ssl;
    ssl_certificate ${JSON.stringify(cert.certPath)};
    ssl_certificate_key ${JSON.stringify(cert.keyPath)};
    location = / {
        default_type text/html;
        return 200 "<!doctype html><title>a page</title>";
    }
}`,
  });
  port = nginx.ports[0]!;
  pageOrigin = `https://localhost:${nginx.ports[1]}`;
  allowed = [EXAMPLE_ORIGIN, pageOrigin];
});

afterAll(async () => {
  await nginx?.stop();
  await service?.child.kill('SIGTERM');
  await killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens a wss connection through nginx and sends `request`; resolves with
 * the connection and the answer (status 0 when none came within `ms`).
 */
async function through(request: Buffer, ms = 5000) {
  const connection = await openTls(port, cert.pem);
  const answer = await connection.request(request, ms);
  return { connection, answer };
}

/** Sends REQ requests over an upgraded connection and checks each reply: the id echoed, then "echo " and the body. */
async function expectAnswered(connection: Connection, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    const { id, message } = reqMessage(body);
    connection.sendFrame(message);
    const frame = await connection.readFrame();
    expect(frame, `a reply to ${body}`).toBeDefined();
    expect(frame!.opcode, 'a binary frame').toBe(2);
    expect(frame!.payload.readUInt32BE(0), 'the request id').toBe(id);
    expect(frame!.payload.subarray(4).toString()).toBe(`echo ${body}`);
  }
}

/** A client from an allowed origin makes a request through nginx; it must be answered. */
async function expectServiceAnswers(body: string): Promise<void> {
  const { connection, answer } = await through(
    handshake({ path: PATH, origin: EXAMPLE_ORIGIN, protocol: PROTOCOL }),
  );
  try {
    expect(answer.status, answer.head).toBe(101);
    await expectAnswered(connection, [body]);
  } finally {
    connection.close();
  }
}

describe('nginx in front of a loopback ws endpoint (examples/web/proxy/nginx.conf)', () => {
  it('a wss client from an allowed origin is upgraded with the REP subprotocol and its requests are answered', async () => {
    const before = await serviceStatus(service);
    for (const origin of allowed) {
      const { connection, answer } = await through(
        handshake({
          path: PATH,
          origin,
          protocol: PROTOCOL,
          key: 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
      );
      expect(answer.status, answer.head).toBe(101);
      expect(answer.headers['upgrade']?.toLowerCase()).toBe('websocket');
      expect(answer.headers['sec-websocket-protocol']).toBe(PROTOCOL);
      // RFC 6455's own example key and its accept value: nginx passed the key
      // through unchanged and libnanomsg answered it.
      expect(answer.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      await expectAnswered(connection, ['hello', 'a second request', 'x'.repeat(70_000)]);
      connection.close();
    }
    const after = await serviceStatus(service);
    expect(after.served - before.served).toBe(3 * allowed.length);
    expect(after.accepted - before.accepted).toBe(allowed.length);
  });

  it('20 clients at once, each making 5 requests, are all answered', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { connection, answer } = await through(
          handshake({ path: PATH, origin: allowed[i % 2], protocol: PROTOCOL }),
        );
        expect(answer.status).toBe(101);
        await expectAnswered(
          connection,
          Array.from({ length: 5 }, (_, j) => `client ${i} request ${j}`),
        );
        connection.close();
      }),
    );
  });

  it('a body sent with the handshake is dropped by nginx, not taken for WebSocket frames', async () => {
    const request = Buffer.concat([
      handshake({
        path: PATH,
        origin: EXAMPLE_ORIGIN,
        protocol: PROTOCOL,
        headers: { 'Content-Length': '10' },
      }),
      // The start of a frame announcing 2^63 bytes, were it read as one.
      Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]),
    ]);
    const { connection, answer } = await through(request);
    expect(answer.status, answer.head).toBe(101);
    await expectAnswered(connection, ['after a body']);
    connection.close();
  });

  it('one client address holds at most 32 connections; the next is refused with 429', async () => {
    await sleep(200); // the earlier tests' connections end
    const handshakeOf = () => handshake({ path: PATH, origin: EXAMPLE_ORIGIN, protocol: PROTOCOL });
    const open = await Promise.all(Array.from({ length: 32 }, () => through(handshakeOf())));
    expect(open.map((o) => o.answer.status)).toEqual(Array(32).fill(101));
    const extra = await through(handshakeOf());
    expect(extra.answer.status).toBe(429);
    extra.connection.close();
    for (const o of open) o.connection.close();
    await sleep(200);
    await expectServiceAnswers('after the limit');
  });

  it('nginx serves the page of the second allowed origin (the setup of a browser test)', async () => {
    const connection = await openTls(nginx.ports[1]!, cert.pem);
    const answer = await connection.request(
      Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
    );
    connection.close();
    expect(answer.status, answer.head).toBe(200);
    expect(answer.body.toString()).toContain('<title>a page</title>');
  });

  it("Node.js's standard WebSocket (the browsers' API) as that page gets its reply; without the Origin header it is refused", async () => {
    const url = `wss://localhost:${port}${PATH}`;
    const options = {
      timeout: 15_000,
      env: { NODE_EXTRA_CA_CERTS: cert.certPath },
      execArgv: webSocketArgv,
    };
    const page = new Child('ws-client.mjs', [url, pageOrigin, PROTOCOL, 'from a page'], options);
    const result = await page.done;
    expect(result.stdout, result.stderr).toContain(`{"open":"${PROTOCOL}"}`);
    expect(result.stdout).toContain('{"reply":"echo from a page","id":true}');
    expect(result.stdout).toContain('{"close":1000}');

    const before = await serviceStatus(service);
    const none = await new Child('ws-client.mjs', [url, '-', PROTOCOL, 'no origin'], options).done;
    expect(none.stdout, none.stderr).toContain('{"error":true}');
    expect(none.stdout).not.toContain('"open"');
    expect((await serviceStatus(service)).accepted).toBe(before.accepted);
    expect(nginx.accessLog().at(-1)).toMatchObject({ status: 403, origin: '', upstream: '' });
  });

  it("@nanomsg-ts/web's Req as that page gets every reply (20 requests at once); from another origin it never connects and its requests time out", async () => {
    const url = `wss://localhost:${port}${PATH}`;
    const options = {
      timeout: 30_000,
      env: { NODE_EXTRA_CA_CERTS: cert.certPath },
      execArgv: webSocketArgv,
    };
    const bodies = Array.from({ length: 20 }, (_, i) => `web request ${i}`);
    const page = await new Child('web-req.mjs', [url, pageOrigin, '10000', ...bodies], options)
      .done;
    expect(page.stdout, page.stderr).toContain(
      JSON.stringify({ replies: bodies.map((b) => `echo ${b}`) }),
    );

    const before = await serviceStatus(service);
    const other = await new Child(
      'web-req.mjs',
      [url, 'https://evil.example', '1500', 'refused'],
      options,
    ).done;
    expect(other.stdout, other.stderr).toContain('{"error":"ETIMEDOUT"}');
    const after = await serviceStatus(service);
    expect(after.accepted, 'connections the service accepted').toBe(before.accepted);
    expect(after.served).toBe(before.served);
    // It dialled again and again, and each time nginx answered 403.
    const tries = nginx.accessLog().filter((e) => e.origin === 'https://evil.example');
    expect(tries.length).toBeGreaterThan(1);
    expect(tries.every((e) => e.status === 403 && e.upstream === '')).toBe(true);
  });

  it('other origins, and none, get 403 and never reach the service', async () => {
    const before = await serviceStatus(service);
    const origins = [
      'https://evil.example',
      'http://app.example.com',
      'https://app.example.com.evil.example',
      'https://app.example.com:8443',
      'https://localhost',
      'https://localhost:1',
      'HTTPS://APP.EXAMPLE.COM.', // not what a browser sends
      'null',
      undefined,
    ];
    for (const origin of origins) {
      const { connection, answer } = await through(
        handshake({ path: PATH, origin, protocol: PROTOCOL }),
      );
      expect(answer.status, `origin ${origin}`).toBe(403);
      connection.close();
    }
    await sleep(200);
    const after = await serviceStatus(service);
    expect(after.accepted, 'connections the service accepted').toBe(before.accepted);
    expect(after.served).toBe(before.served);
    const refused = nginx.accessLog().filter((e) => e.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(origins.length);
    expect(refused.every((e) => e.upstream === '')).toBe(true);
  });

  it('handshakes the service would refuse are refused by nginx itself: wrong method, path, upgrade, version, key or subprotocol', async () => {
    const before = await serviceStatus(service);
    const good = { path: PATH, origin: EXAMPLE_ORIGIN, protocol: PROTOCOL };
    const cases: [string, Buffer, number][] = [
      ['OPTIONS', handshake({ ...good, method: 'OPTIONS' }), 405],
      ['another path', handshake({ ...good, path: '/other' }), 404],
      ['no Upgrade', handshake({ ...good, headers: { Upgrade: null } }), 400],
      ['Upgrade: h2c', handshake({ ...good, headers: { Upgrade: 'h2c' } }), 400],
      ['version 8', handshake({ ...good, headers: { 'Sec-WebSocket-Version': '8' } }), 400],
      ['no key', handshake({ ...good, headers: { 'Sec-WebSocket-Key': null } }), 400],
      ['a short key', handshake({ ...good, key: 'c2hvcnQ=' }), 400],
      ['no subprotocol', handshake({ ...good, protocol: null }), 400],
      ['the client type', handshake({ ...good, protocol: 'req.sp.nanomsg.org' }), 400],
      [
        'two subprotocols',
        handshake({ ...good, protocol: `${PROTOCOL}, pair.sp.nanomsg.org` }),
        400,
      ],
      ['a body', handshake({ ...good, headers: { 'Content-Length': '2000' } }), 413],
    ];
    for (const [what, request, expected] of cases) {
      const { connection, answer } = await through(request);
      expect(answer.status, what).toBe(expected);
      connection.close();
    }
    await sleep(200);
    expect((await serviceStatus(service)).accepted, 'connections the service accepted').toBe(
      before.accepted,
    );
  });
});

/** A handshake of exactly `total` bytes: `fields` and a header of 'a's. */
function paddedHandshake(total: number, fields: HandshakeOptions = {}): Buffer {
  const base = handshake({ ...fields, headers: { ...fields.headers, 'X-Padding': '' } });
  const padding = 'a'.repeat(total - base.length);
  return handshake({ ...fields, headers: { ...fields.headers, 'X-Padding': padding } });
}

/** A handshake with `total` bytes (or a little more) of headers of 4000 bytes each. */
function fatHandshake(total: number, fields: HandshakeOptions = {}): Buffer {
  const headers = { ...fields.headers };
  for (let i = 0; i * 4000 < total; i++) headers[`X-Filler-${i}`] = 'b'.repeat(3985);
  return handshake({ ...fields, headers });
}

describe('handshakes that abort libnanomsg: straight to a REP it dies, through nginx the service keeps answering', () => {
  const good = { path: PATH, origin: EXAMPLE_ORIGIN, protocol: PROTOCOL };
  // [what, the bytes sent straight to the REP, its assertion, the bytes sent
  // through nginx (the same, with the allowed origin where it matters), the
  // status nginx answers: 101 when it rebuilds them into a valid handshake,
  // 0 when it answers nothing before the client gives up]. A handshake of
  // exactly 4096 bytes fills libnanomsg's buffer and leaves no room for the
  // NUL it asserts; a longer one is refused with a reply built from lengths
  // it never set (an abort, a SIGSEGV or a 400, by chance), so the control
  // sends exactly 4096.
  const cases: [string, Buffer, string, Buffer, number][] = [
    [
      'NUL bytes in the request',
      Buffer.concat([
        Buffer.from('GET / HTTP/1.1\r\n'),
        Buffer.alloc(600),
        Buffer.from('\r\n\r\n'),
      ]),
      'ws_handshake.c:500',
      Buffer.concat([
        Buffer.from(`GET ${PATH} HTTP/1.1\r\n`),
        Buffer.alloc(600),
        Buffer.from('\r\n\r\n'),
      ]),
      400,
    ],
    [
      'a run of CRLFs',
      Buffer.from('\r\n'.repeat(1000)),
      'ws_handshake.c:1340',
      Buffer.from('\r\n'.repeat(1000)),
      0,
    ],
    [
      'a POST',
      handshake({ protocol: PROTOCOL, method: 'POST' }),
      'ws_handshake.c:1340',
      handshake({ ...good, method: 'POST' }),
      405,
    ],
    [
      'a HEAD',
      handshake({ protocol: PROTOCOL, method: 'HEAD' }),
      'ws_handshake.c:1340',
      handshake({ ...good, method: 'HEAD' }),
      405,
    ],
    [
      'HTTP/1.0',
      Buffer.from(
        handshake({ protocol: PROTOCOL }).toString('latin1').replace('HTTP/1.1', 'HTTP/1.0'),
      ),
      'ws_handshake.c:1340',
      Buffer.from(handshake(good).toString('latin1').replace('HTTP/1.1', 'HTTP/1.0')),
      101,
    ],
    [
      'a handshake of 4 KiB (through nginx: 6 KiB of query string and 12 KiB of headers)',
      paddedHandshake(4096, { protocol: PROTOCOL }),
      'ws_handshake.c:862',
      fatHandshake(12 * 1024, { ...good, path: `${PATH}?${'q'.repeat(6 * 1024)}` }),
      101,
    ],
  ];

  it.each(cases)('%s', async (_what, straight, where, proxied, expected) => {
    // The control: straight to a REP of its own, it aborts.
    const victim = await startService();
    const raw = await openTcp(victim.port);
    raw.socket.write(straight);
    const result = await Promise.race([victim.child.done, sleep(5000).then(() => undefined)]);
    raw.close();
    if (result === undefined) {
      await victim.child.kill();
      expect.fail('the REP hit straight was still running after 5 s');
    }
    expect(result.signal, 'the REP hit straight').toBe('SIGABRT');
    expect(result.stderr).toContain(where);

    // Through nginx: answered (or not) by nginx, and the service lives on.
    const before = await serviceStatus(service);
    const { connection, answer } = await through(proxied, expected === 0 ? 1000 : 5000);
    expect(answer.status, answer.head).toBe(expected);
    if (expected === 101) await expectAnswered(connection, ['after the handshake']);
    connection.close();
    await sleep(100);
    expect(service.child.running, service.child.stderr).toBe(true);
    await expectServiceAnswers('still here');
    const after = await serviceStatus(service);
    expect(after.served - before.served).toBe(expected === 101 ? 2 : 1);
  });
});

describe('what libnanomsg receives from nginx', () => {
  // nginx pointed at a plain TCP server instead of the REP, to see the
  // handshake it forwards byte for byte.
  let upstream: Server;
  let received: string[];
  let capture: Nginx;
  let captureDir: string;
  let captureCa: string;

  beforeAll(async () => {
    received = [];
    upstream = createServer((c) => {
      let data = '';
      c.on('error', () => {});
      c.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
        if (data.includes('\r\n\r\n')) {
          received.push(data);
          c.end('HTTP/1.1 503 Captured\r\nContent-Length: 0\r\n\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    captureDir = nginxFolder();
    const captureCert = makeCertificate(captureDir);
    capture = await startExample({
      dir: captureDir,
      cert: captureCert,
      upstreamPort: (upstream.address() as { port: number }).port,
      origins: [EXAMPLE_ORIGIN],
    });
    captureCa = captureCert.pem;
  });

  afterAll(async () => {
    await capture?.stop();
    upstream?.close();
    if (captureDir) rmSync(captureDir, { recursive: true, force: true });
  });

  it('is the same small handshake whatever the client adds: GET / HTTP/1.1, Host and five checked headers', async () => {
    const key = 'AAAAAAAAAAAAAAAAAAAAAA==';
    const good = {
      path: `${PATH}?token=${'t'.repeat(5000)}`,
      origin: EXAMPLE_ORIGIN,
      protocol: PROTOCOL,
      key,
    };
    const requests = [
      handshake({ ...good, path: PATH }),
      fatHandshake(20 * 1024, {
        ...good,
        headers: {
          'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
          'X-Forwarded-For': '10.0.0.1',
        },
      }),
      Buffer.from(
        handshake({ ...good, headers: { 'Content-Length': '5' } }).toString('latin1') + 'hello',
      ),
    ];
    const expected =
      'GET / HTTP/1.1\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      'Sec-WebSocket-Version: 13\r\n' +
      `Sec-WebSocket-Key: ${key}\r\n` +
      `Sec-WebSocket-Protocol: ${PROTOCOL}\r\n` +
      'Host: nanomsg_rep\r\n' +
      '\r\n';
    for (const request of requests) {
      const connection = await openTls(capture.ports[0]!, captureCa);
      const answer = await connection.request(request);
      connection.close();
      expect(answer.status, answer.head).toBe(503);
      expect(received.shift()).toBe(expected);
    }
    expect(Buffer.byteLength(expected)).toBeLessThan(4096);
  });
});

describe('plain http', () => {
  it('to the TLS port is refused with 400 and never reaches the service', async () => {
    const before = await serviceStatus(service);
    const connection = await openTcp(port);
    const answer = await connection.request(
      handshake({ path: PATH, origin: EXAMPLE_ORIGIN, protocol: PROTOCOL }),
    );
    expect(answer.status, answer.head).toBe(400);
    expect(answer.body.toString()).toContain('The plain HTTP request was sent to HTTPS port');
    expect(await connection.waitClosed(2000)).toBe(true);
    connection.close();
    await sleep(200);
    expect((await serviceStatus(service)).accepted).toBe(before.accepted);
  });
});
