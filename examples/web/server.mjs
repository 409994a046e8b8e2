// The server of the web example: a Node.js PUB publishing live prices and a
// REP answering price requests, both on libnanomsg's ws transport, and an
// HTTP server for the page (index.html and page.js, bundled with esbuild with
// @nanomsg-ts/web) that connects to them from the browser.
// Run it with `pnpm demo:web` from the repository root (it builds first), or
// `node examples/web/server.mjs [port]` after `pnpm build`; then open the URL it
// prints. Ctrl+C stops it.
//
// Options: the HTTP port as the argument or in PORT (default 8080; a free port
// when it is taken), `--exit-after <seconds>` to stop by itself (for tests).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NanomsgError, Pub } from '@nanomsg-ts/pubsub';
import { Rep } from '@nanomsg-ts/reqrep';

const { port: wantedPort, exitAfter } = parseArguments(process.argv.slice(2));

/** The HTTP port (argument, then PORT, then 8080) and `--exit-after` in seconds. */
function parseArguments(args) {
  let port = process.env.PORT ?? '8080';
  let exitAfter;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--exit-after') exitAfter = Number(args[++i]);
    else port = args[i];
  }
  if (!/^\d+$/.test(port) || Number(port) > 65_535) usage(`not a port: ${port}`);
  if (exitAfter !== undefined && !(exitAfter > 0)) usage('--exit-after needs a number of seconds');
  return { port: Number(port), exitAfter };
}

function usage(problem) {
  console.error(
    `web: ${problem}\nusage: node examples/web/server.mjs [port] [--exit-after <seconds>]`,
  );
  process.exit(2);
}

/**
 * Binds `socket` to ws:// on a random port of 127.0.0.1, trying another one
 * while it is taken (nanomsg cannot bind port 0). Loopback only: libnanomsg's
 * ws server checks no Origin, has no TLS and aborts the whole process on some
 * malformed handshakes, so it must never face the public web itself; put a
 * proxy in front for that (examples/web/proxy/).
 */
function bindLoopbackWs(socket) {
  for (let attempt = 0; ; attempt++) {
    const address = `ws://127.0.0.1:${20_000 + Math.floor(Math.random() * 12_000)}`;
    try {
      socket.bind(address);
      return address;
    } catch (error) {
      if (NanomsgError.isInstance(error) && error.code === 'EADDRINUSE' && attempt < 50) continue;
      throw error;
    }
  }
}

// The page's code, bundled in memory: page.js and what it imports of @nanomsg-ts/web.
const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const bundle = await build({
  entryPoints: [here('page.js')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  sourcemap: 'inline',
  logLevel: 'error', // esbuild prints what went wrong
}).catch(() => {
  console.error('web: bundling page.js failed; are the packages built (pnpm build)?');
  process.exit(1);
});

// The market: every 500 ms the price of one of these symbols moves a little.
const TOPIC = 'prices.';
const prices = new Map([
  ['ACME', 120],
  ['INITECH', 45],
  ['UMBRELLA', 310],
]);

/** Moves the price of a random symbol; the message that tells it, on the topic. */
function tick() {
  const symbols = [...prices.keys()];
  const symbol = symbols[Math.floor(Math.random() * symbols.length)];
  const price = Math.max(1, prices.get(symbol) * (1 + (Math.random() - 0.5) / 50));
  prices.set(symbol, price);
  return `${TOPIC}${symbol} ${price.toFixed(2)}`;
}

/** A REP's answer to a symbol: its price now, or which symbols there are. */
function quote(request) {
  const symbol = String(request).trim().toUpperCase();
  const price = prices.get(symbol);
  if (price === undefined) return `no price for "${symbol}"; try ${[...prices.keys()].join(', ')}`;
  return `${symbol} is at ${price.toFixed(2)}`;
}

const pub = new Pub();
const rep = new Rep();
const pubUrl = bindLoopbackWs(pub);
const repUrl = bindLoopbackWs(rep);

// A PUB never waits: with no page connected, the prices go nowhere.
const ticker = setInterval(() => {
  pub.send(tick()).catch((error) => console.error(`web: publishing failed: ${error}`));
}, 500);

// serve() answers each request with what the handler returns, until rep closes.
const serving = rep.serve(quote);

const files = {
  '/': { type: 'text/html; charset=utf-8', body: await readFile(here('index.html')) },
  '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
  // The page learns where to connect from here.
  '/config.json': {
    type: 'application/json',
    body: JSON.stringify({ pub: pubUrl, rep: repUrl, topic: TOPIC }),
  },
};

const http = createServer((request, response) => {
  const file = files[new URL(request.url, 'http://localhost').pathname];
  if (request.method !== 'GET' || file === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
  response.end(file.body);
});

/** Listens on `port` of 127.0.0.1, or on a free port when it is taken. */
async function listen(port) {
  try {
    await new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.log(`web: port ${port} is taken, using a free one`);
    await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  }
  return http.address().port;
}

const port = await listen(wantedPort);
console.log(`web: PUB on ${pubUrl}, REP on ${repUrl}`);
console.log(`web: open http://127.0.0.1:${port}/`);

// Ctrl+C, a SIGTERM or --exit-after stops it: nothing is left to keep Node.js running.
const timer = exitAfter !== undefined ? setTimeout(stop, exitAfter * 1000) : undefined;
let stopping;
function stop() {
  stopping ??= (async () => {
    clearTimeout(timer);
    clearInterval(ticker);
    http.close();
    http.closeAllConnections();
    await Promise.all([pub.close(), rep.close()]);
    await serving;
    console.log('web: stopped');
  })();
  return stopping;
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
