// The runnable examples (examples/*.mjs, all run by `pnpm demo`): each runs in
// a child process, exits by itself, and prints what it promises. And the web
// example's server (examples/web, `pnpm demo:web`): what it serves, and its
// sockets answering @nanomsg-ts/web's as the page's do.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Req, Sub } from '@nanomsg-ts/web';
import { describe, expect, it } from 'vitest';
import { exampleNames, protocolPackages, root } from '../scripts/packages.mjs';

/** Runs an example; resolves with its exit status and output. */
function runExample(
  name: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join('examples', `${name}.mjs`)], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // The examples give up by themselves after 20 s; this is a last resort.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** What each example prints, line by line (a RegExp where the line varies). */
const expected: Record<string, (string | RegExp)[]> = {
  pair: [
    'PAIR over ipc',
    '  left sent "ping 1", right answered "pong 1"',
    '  left sent "ping 2", right answered "pong 2"',
    '  left sent "ping 3", right answered "pong 3"',
    'pair: done',
  ],
  pubsub: [
    'PUB/SUB over ipc',
    '  weather.* subscriber got "weather.paris 21C"',
    '  weather.* subscriber got "weather.oslo -3C"',
    '  catch-all subscriber got "weather.paris 21C"',
    '  catch-all subscriber got "news.today all quiet"',
    '  catch-all subscriber got "weather.oslo -3C"',
    'pubsub: done',
  ],
  reqrep: [
    'REQ/REP over tcp',
    '  request "ping" -> reply "PING!"',
    '  request "hello" -> reply "HELLO!"',
    '  request "nanomsg" -> reply "NANOMSG!"',
    '  a REP sending out of turn: EFSM',
    'reqrep: done',
  ],
  pipeline: [
    'PUSH/PULL over ipc',
    ...[1, 2, 3, 4, 5, 6].map((n) => new RegExp(`^  job ${n} done by worker [12]$`)),
    '  6 jobs done',
    'pipeline: done',
  ],
  survey: [
    'SURVEYOR/RESPONDENT over ipc',
    '  lunch? ada: yes',
    '  lunch? bob: no',
    '  lunch? cy: yes',
    '  3 answers before the deadline',
    'survey: done',
  ],
  'reqrep-concurrent': [
    'a concurrent REQ client and a concurrent REP service, over tcp',
    '  200 requests at once, 200 replies each to its own request',
    '  took less than the 1 s that one at a time would take',
    '  the service stopped (exit 0)',
    'reqrep-concurrent: done',
  ],
  bus: [
    'BUS over ipc, a full mesh of a, b, c',
    '  a heard from b and c',
    '  b heard from a and c',
    '  c heard from a and b',
    'bus: done',
  ],
};

describe('examples', () => {
  it.each(Object.keys(expected))(
    'examples/%s.mjs prints what it shows and exits by itself',
    async (name) => {
      const { status, stdout, stderr } = await runExample(name);
      expect(stderr).toBe('');
      const lines = stdout.trimEnd().split('\n');
      expect(lines.length, stdout).toBe(expected[name]!.length);
      expected[name]!.forEach((line, i) => {
        if (typeof line === 'string') expect(lines[i]).toBe(line);
        else expect(lines[i]).toMatch(line);
      });
      expect(status).toBe(0);
    },
    40_000,
  );

  it('examples/demo.mjs (the generic Socket of core) runs to its end', async () => {
    const { status, stdout, stderr } = await runExample('demo');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^libnanomsg ABI \d+\.\d+\.\d+\n/);
    expect(stdout).toContain('request "ping" -> reply "PING!"');
    expect(stdout).toContain('REQ recv without a request: EFSM');
    expect(stdout.trimEnd().endsWith('all sockets closed; done')).toBe(true);
    expect(status).toBe(0);
  }, 40_000);

  it('every protocol package has an example, checked above', () => {
    const names = Object.keys(expected);
    for (const { short } of protocolPackages()) expect(names).toContain(short);
  });

  it('pnpm demo runs every example checked above', () => {
    expect(['demo', ...Object.keys(expected)].sort()).toEqual(exampleNames().sort());
  });

  it('every example imports one package only, the one it shows', () => {
    const packages: Record<string, string> = {
      demo: 'core',
      'reqrep-concurrent': 'reqrep',
      'reqrep-service': 'reqrep',
    };
    for (const { short } of protocolPackages()) packages[short] = short;
    for (const [name, pkg] of Object.entries(packages)) {
      const source = readFileSync(join(root, 'examples', `${name}.mjs`), 'utf8');
      const imported = [...source.matchAll(/from '(@nanomsg-ts\/[\w-]+)'/g)].map((m) => m[1]);
      expect(imported, name).toEqual([`@nanomsg-ts/${pkg}`]);
    }
  });
});

describe('examples/web', () => {
  it('serves the page, its bundle and the addresses its Sub and Req reach', async () => {
    // Port 0: any free port. It stops by itself after 20 s at the latest.
    const child = spawn(process.execPath, ['examples/web/server.mjs', '0', '--exit-after', '20'], {
      cwd: root,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = once(child, 'exit');
    const sub = new Sub({ subscribe: ['prices.'] });
    const req = new Req();
    try {
      while (!/open (http:\S+)/.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`server exited: ${stdout}${stderr}`);
        await once(child.stdout, 'data');
      }
      const url = /open (http:\S+)/.exec(stdout)![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

      const page = await fetch(url);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('src="page.js"');
      const bundle = await fetch(new URL('page.js', url));
      expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(await bundle.text()).toContain('rep.sp.nanomsg.org'); // @nanomsg-ts/web is in it
      expect((await fetch(new URL('nothing', url))).status).toBe(404);

      const config = (await (await fetch(new URL('config.json', url))).json()) as {
        pub: string;
        rep: string;
        topic: string;
      };
      expect(config.pub).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(config.rep).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(config.topic).toBe('prices.');

      const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      sub.connect(config.pub);
      req.connect(config.rep);
      expect(text(await sub.recv({ timeout: 5000 }))).toMatch(/^prices\.[A-Z]+ \d+\.\d\d$/);
      expect(text(await req.request('acme', { timeout: 5000 }))).toMatch(/^ACME is at \d+\.\d\d$/);
      expect(text(await req.request('nope', { timeout: 5000 }))).toMatch(/^no price for "NOPE"/);
    } finally {
      await Promise.all([sub.close(), req.close()]);
      child.kill('SIGTERM');
    }
    const [status] = await exited;
    expect(stderr).toBe('');
    expect(stdout.trimEnd().endsWith('web: stopped')).toBe(true);
    expect(status).toBe(0);
  }, 30_000);
});
