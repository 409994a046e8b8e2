// Serves a bundled page over http from 127.0.0.1 on a port the system picks:
// Chromium refuses loopback WebSockets from an about:blank page, not from a
// page of its own origin.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Bundle } from './bundle.js';

/** A running http server for one page. */
export interface PageServer {
  /** The page's address, `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** Stops the server (and drops its keep-alive connections). */
  close(): Promise<void>;
}

function html(script: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<meta charset="utf-8">',
    '<title>nanomsg-ts browser test</title>',
    '<body style="font: 13px monospace">',
    `<h1 style="font-size: 15px">nanomsg-ts browser test</h1>`,
    '<pre id="log"></pre>',
    `<script type="module" src="/${script}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/** Serves `bundle` at `/` (an html page that loads it) and `/<script>`. */
export async function serve(bundle: Bundle): Promise<PageServer> {
  const page = html(bundle.script);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else if (path === `/${bundle.script}`) {
      readFile(join(bundle.dir, bundle.script)).then(
        (body) => {
          response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        },
      );
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
