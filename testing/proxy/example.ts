// The shipped proxy example (examples/web/proxy/nginx.conf) with a test's
// ports, paths and origins: each line marked "# adapt:" is replaced, nothing
// else, so what the tests run is what users copy. A marked line that is not
// found, or found twice, or a marked line left over, is an error: the example
// and this file change together.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCertificate } from './cert.js';
import { startNginx, type Nginx } from './nginx.js';

/** The example's path in the repository. */
export const examplePath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'web',
  'proxy',
  'nginx.conf',
);

export interface ExampleValues {
  /** The port nginx listens on (TLS), on 127.0.0.1. */
  port: number;
  /** The loopback port of the service's ws endpoint. */
  upstreamPort: number;
  certPath: string;
  keyPath: string;
  /** The allowed page origins, e.g. 'https://app.example.com'. */
  origins: readonly string[];
}

/** Quotes `s` for an nginx configuration file. */
function quoted(s: string): string {
  if (/["\\\n$]/.test(s)) throw new Error(`cannot quote ${JSON.stringify(s)} for nginx`);
  return `"${s}"`;
}

/** The example's text with `values` in place of its "# adapt:" lines. */
export function renderExample(values: ExampleValues): string {
  const text = readFileSync(examplePath, 'utf8');
  const origins = values.origins.map((o) => `    ${quoted(o)} 1;`).join('\n');
  // Each marked line, recognised by its directive, and what replaces it.
  const replacements: [RegExp, string][] = [
    [/^ *"https:\/\/app\.example\.com" +1; # adapt:.*$/m, origins],
    [/^ *server 127\.0\.0\.1:5555; # adapt:.*$/m, `    server 127.0.0.1:${values.upstreamPort};`],
    [/^ *listen 443 ssl; # adapt:.*$/m, `    listen 127.0.0.1:${values.port} ssl;`],
    [/^ *server_name \S+; # adapt:.*$/m, '    server_name localhost;'],
    [/^ *ssl_certificate \S+; # adapt:.*$/m, `    ssl_certificate ${quoted(values.certPath)};`],
    [
      /^ *ssl_certificate_key \S+; # adapt:.*$/m,
      `    ssl_certificate_key ${quoted(values.keyPath)};`,
    ],
  ];
  let out = text;
  for (const [pattern, replacement] of replacements) {
    const global = new RegExp(pattern.source, 'gm');
    const found = out.match(global)?.length ?? 0;
    if (found !== 1) {
      throw new Error(`${examplePath}: ${found} lines match ${pattern}, expected exactly 1`);
    }
    out = out.replace(pattern, () => replacement);
  }
  const left = out.split('\n').filter((l) => /^[^#]*# adapt:/.test(l));
  if (left.length > 0) throw new Error(`${examplePath}: marked lines not replaced: ${left}`);
  return out;
}

/** What `startExample` runs. */
export interface ExampleOptions {
  /** nginx's folder (`nginxFolder()`). */
  dir: string;
  cert: TestCertificate;
  /** The loopback port of the service's ws endpoint. */
  upstreamPort: number;
  /** The allowed origins, or a function of the further ports (for pages served there). */
  origins: readonly string[] | ((morePorts: readonly number[]) => readonly string[]);
  /** How many further ports to pick for `more` (default none). */
  morePorts?: number;
  /** More http-level configuration, e.g. a server for a test's pages on those ports. */
  more?: (morePorts: readonly number[]) => string;
}

/**
 * Starts nginx in `dir` with the example: TLS on `nginx.ports[0]` of
 * 127.0.0.1, for the service at `upstreamPort`, and what `more` adds on the
 * further ports (`nginx.ports[1]`, ...).
 */
export function startExample(options: ExampleOptions): Promise<Nginx> {
  const { dir, cert, upstreamPort, origins, morePorts = 0, more } = options;
  return startNginx({
    dir,
    ports: 1 + morePorts,
    http: ([port, ...rest]) =>
      renderExample({
        port: port!,
        upstreamPort,
        certPath: cert.certPath,
        keyPath: cert.keyPath,
        origins: typeof origins === 'function' ? origins(rest) : origins,
      }) + (more ? `\n${more(rest)}\n` : ''),
  });
}
