// A page in Chromium reaching a Node.js REP through the proxy example
// (examples/web/proxy/nginx.conf), as on the public web: the page is served
// over https by the test's nginx (proxied to the harness's page server), its
// @nanomsg-ts/web Req connects to wss://127.0.0.1:<port>/nanomsg/rep, nginx
// checks the Origin the browser sent and hands the connection to the REP's
// loopback ws endpoint. The same page served on another port of the same
// nginx, and by the harness itself over http, is another origin: refused.
//
// The certificate is self-signed (testing/proxy/cert.ts); this Chromium
// trusts its public key only (--ignore-certificate-errors-spki-list), every
// other certificate check stays on: a Chromium without the switch does not
// even load the page. The REP is the proxy tests' service (a child process,
// testing/proxy/service.ts) whose counters show whether a page reached it;
// nginx's access log shows the Origin each handshake carried and where it
// went.
import { Buffer } from 'node:buffer';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBytes, killChildren, pattern, sleep } from '@nanomsg-ts/testkit';
import { makeCertificate, type TestCertificate } from '../proxy/cert.js';
import { startExample } from '../proxy/example.js';
import { nginxFolder, type AccessLogEntry, type Nginx } from '../proxy/nginx.js';
import { serviceStatus, startService, type Service } from '../proxy/service.js';
import { launchChromium } from './harness/chromium.js';
import { useBrowser } from './harness/fixture.js';
import { PageError } from './harness/page.js';
import { RemoteSocket } from './harness/remote.js';

const MiB = 1024 * 1024;
const PATH = '/nanomsg/rep';

let dir: string;
let cert: TestCertificate;
let service: Service;
let nginx: Nginx;

beforeAll(async () => {
  dir = nginxFolder();
  cert = makeCertificate(dir);
  // A 1 MiB request body comes with REQ's 4-byte id: above libnanomsg's
  // default receiveMaxSize (1 MiB), so the service takes up to 4 MiB.
  service = await startService({ receiveMaxSize: 4 * MiB });
});

const browser = useBrowser(fileURLToPath(new URL('./pages/web.ts', import.meta.url)), {
  chromiumArgs: () => [`--ignore-certificate-errors-spki-list=${cert.spkiSha256}`],
});

// After useBrowser's beforeAll: the page server runs, nginx proxies to it.
beforeAll(async () => {
  const pageServer = new URL(browser.server().url);
  nginx = await startExample({
    dir,
    cert,
    upstreamPort: service.port,
    // Only the first page port's origin is allowed.
    origins: ([allowed]) => [`https://127.0.0.1:${allowed}`],
    morePorts: 2,
    more: ([allowed, other]) => `server {
    listen 127.0.0.1:${allowed} ssl;
    listen 127.0.0.1:${other} ssl;
    ssl_certificate ${JSON.stringify(cert.certPath)};
    ssl_certificate_key ${JSON.stringify(cert.keyPath)};
    location / {
        proxy_pass http://127.0.0.1:${pageServer.port};
    }
}`,
  });
});

afterAll(async () => {
  await nginx?.stop();
  await service?.child.kill('SIGTERM');
  await killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The wss address of the REP behind nginx. */
const wss = (): string => `wss://127.0.0.1:${nginx.ports[0]}${PATH}`;
/** The origin nginx allows: its first page port. */
const allowedOrigin = (): string => `https://127.0.0.1:${nginx.ports[1]}`;

/** The access log's handshakes to the REP's location from `origin`. */
function handshakesFrom(origin: string): AccessLogEntry[] {
  return nginx.accessLog().filter((e) => e.uri === PATH && e.origin === origin);
}

/** The first difference between two buffers, for a readable failure. */
function sameBytes(got: Buffer, want: Buffer): string {
  if (got.equals(want)) return 'equal';
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  const at = got.findIndex((b, i) => b !== want[i]);
  return `differs at byte ${at}: ${got[at]} instead of ${want[at]}`;
}

/** Waits up to `ms` for `check` to hold. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(50);
}

describe('a page in Chromium through the proxy example (wss, a self-signed certificate)', () => {
  it('from the allowed origin, Req gets byte-exact replies (1 MiB, then 0 B, every byte value, text and 16 more at once)', async () => {
    const page = await browser.open(`${allowedOrigin()}/`);
    expect(await page.page.evaluate('location.origin')).toBe(allowedOrigin());
    const before = await serviceStatus(service);

    // The reply to 1 MiB (plus the id and "echo ") is above the page's
    // default receiveMaxSize too.
    const req = await RemoteSocket.open(page, 'Req', { receiveMaxSize: 4 * MiB });
    await req.connect(wss());
    // The 1 MiB request on its own: libnanomsg's REP drops a reply when its
    // connection is still busy writing an earlier one (a 1 MiB reply takes a
    // while to leave), and REQ resends only after resendInterval (60 s). So
    // replies sent right behind the big one would be lost at random, with or
    // without nginx; the small requests are all in flight together after it.
    const big = pattern(MiB, 13);
    const bigReply = await req.request(big, { timeout: 20_000 });
    expect(sameBytes(bigReply, Buffer.concat([Buffer.from('echo '), big])), '1 MiB').toBe('equal');
    const requests = [
      Buffer.alloc(0),
      allBytes,
      Buffer.from('héllo, wörld 😀'),
      ...Array.from({ length: 16 }, (_, i) => Buffer.from(`request ${i}`)),
    ];
    const replies = await req.requestAll(requests, { timeout: 10_000 });
    expect(replies).toHaveLength(requests.length);
    requests.forEach((request, i) => {
      const want = Buffer.concat([Buffer.from('echo '), request]);
      expect(sameBytes(replies[i]!, want), `reply ${i}`).toBe('equal');
    });
    const stats = await req.statistics();
    expect(stats.establishedConnections).toBe(1);
    expect(stats.brokenConnections).toBe(0);
    await req.close();

    const after = await serviceStatus(service);
    expect(after.served - before.served, 'requests the service answered').toBe(1 + requests.length);
    expect(after.accepted - before.accepted, 'connections the service accepted').toBe(1);
    // The tunnel is logged once closed: one handshake, with the page's own
    // origin as Chromium sent it, upgraded and passed to the service.
    await eventually(() => handshakesFrom(allowedOrigin()).length > 0);
    expect(handshakesFrom(allowedOrigin())).toEqual([
      {
        status: 101,
        method: 'GET',
        uri: PATH,
        origin: allowedOrigin(),
        upstream: `127.0.0.1:${service.port}`,
      },
    ]);
  });

  // The same page from two other origins: another port of the same nginx
  // (https, the same certificate), and the harness's http server.
  const others: [string, () => string][] = [
    ['https, another port of the same nginx', () => `https://127.0.0.1:${nginx.ports[2]}`],
    ['http, the harness page server', () => new URL(browser.server().url).origin],
  ];

  it.each(others)(
    'from another origin (%s), Req is refused by nginx: no connection, its request times out, the REP is never reached',
    async (_what, origin) => {
      const page = await browser.open(`${origin()}/`);
      expect(await page.page.evaluate('location.origin')).toBe(origin());
      const before = await serviceStatus(service);

      const req = await RemoteSocket.open(page, 'Req', { reconnectInterval: 100 });
      await req.connect(wss());
      const refused = await req.request('refused', { timeout: 2000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(PageError);
      expect((refused as PageError).code).toBe('ETIMEDOUT');
      const stats = await req.statistics();
      expect(stats.establishedConnections).toBe(0);
      await req.close();

      await sleep(200);
      const after = await serviceStatus(service);
      expect(after.accepted, 'connections the service accepted').toBe(before.accepted);
      expect(after.served, 'requests the service answered').toBe(before.served);
      // It dialled again and again; each handshake carried the page's origin
      // and got 403 from nginx, passed nowhere.
      const tries = handshakesFrom(origin());
      expect(tries.length).toBeGreaterThan(1);
      expect(tries.every((e) => e.status === 403 && e.upstream === '')).toBe(true);
    },
  );

  it('the certificate is trusted by its public key only: a Chromium without the switch does not load the page', async () => {
    const plain = await launchChromium();
    try {
      const context = await plain.newContext();
      const page = await context.newPage();
      const loaded = await page.goto(`${allowedOrigin()}/`).then(
        () => 'loaded',
        (error: Error) => error.message,
      );
      expect(loaded).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await plain.close();
    }
  });
});
