// nginx (Debian's package) as a child process of a test: in the foreground
// (`daemon off`), logging to stderr, with its pid file, temp folders and
// access log inside a folder of the test, listening on free ports of
// 127.0.0.1. It runs as root (its workers then as nobody) and as any other
// user: nothing outside its folder is written. A test gives the http-level
// configuration (maps, upstreams, server blocks) for the ports it is handed;
// `stop()` ends nginx and its workers.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The nginx binary (NGINX overrides it). */
export const nginxBinary = process.env.NGINX ?? '/usr/sbin/nginx';

/**
 * A new folder for an nginx (and its certificate) under the system's temp
 * folder. Mode 0755: started as root, nginx runs its workers as nobody, and
 * they may need to enter it (its temp folders); the key file stays 0600.
 */
export function nginxFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-nginx-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** A TCP port of 127.0.0.1 that nothing listens on at the moment (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One line of the access log (the format `nanomsg_test` below). */
export interface AccessLogEntry {
  status: number;
  method: string;
  uri: string;
  origin: string;
  /** Where nginx passed the request ('' when it answered itself). */
  upstream: string;
}

export interface NginxOptions {
  /** nginx's folder (its prefix): configuration, pid file, temp folders, access log. Must exist. */
  dir: string;
  /** How many ports to pick. */
  ports: number;
  /**
   * The http-level configuration for `ports` (the ports nginx may listen on,
   * on 127.0.0.1). It is called again with new ports when one was taken.
   */
  http(ports: readonly number[]): string;
  /** Milliseconds to wait for nginx to listen on every port (default 10 s). */
  within?: number;
}

/** A running nginx, started by `startNginx`. */
export class Nginx {
  readonly ports: readonly number[];
  readonly dir: string;
  readonly #process: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #stderr: { text: string };
  readonly #onExit = (): void => {
    try {
      this.#process.kill('SIGTERM');
    } catch {
      // already gone
    }
  };

  /** @internal */
  constructor(
    child: ChildProcess,
    exited: Promise<void>,
    stderr: { text: string },
    dir: string,
    ports: readonly number[],
  ) {
    this.#process = child;
    this.#exited = exited;
    this.#stderr = stderr;
    this.dir = dir;
    this.ports = ports;
    // A test process that ends without stop() still takes its nginx along.
    process.once('exit', this.#onExit);
  }

  /** The master process's id. */
  get pid(): number {
    return this.#process.pid!;
  }

  /** True until nginx exits. */
  get running(): boolean {
    return this.#process.exitCode === null && this.#process.signalCode === null;
  }

  /** What nginx wrote on stderr (its error log) so far. */
  get stderr(): string {
    return this.#stderr.text;
  }

  /** The access log so far: one entry per finished request (a tunnel ends when it is closed). */
  accessLog(): AccessLogEntry[] {
    return readText(join(this.dir, 'access.log'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AccessLogEntry);
  }

  /**
   * Ends nginx: SIGTERM (the master closes every connection and ends its
   * workers), then SIGKILL for the master and its workers after 5 s.
   */
  async stop(): Promise<void> {
    process.removeListener('exit', this.#onExit);
    if (!this.running) return this.#exited;
    this.#process.kill('SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 5000);
    });
    if (await Promise.race([this.#exited.then(() => false), late])) {
      for (const pid of childrenOf(this.pid)) process.kill(pid, 'SIGKILL');
      this.#process.kill('SIGKILL');
      await this.#exited;
    }
    clearTimeout(timer);
  }
}

/** The ids of the processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The whole configuration: nginx's own settings, then the test's (http.conf). */
function mainConfig(dir: string): string {
  const at = (name: string) => JSON.stringify(join(dir, name));
  return `# Written by testing/proxy/nginx.ts for one test run.
worker_processes 1;
pid ${at('nginx.pid')};
lock_file ${at('nginx.lock')};
error_log stderr notice;

events {
    worker_connections 512;
}

http {
    client_body_temp_path ${at('temp/client_body')};
    proxy_temp_path ${at('temp/proxy')};
    fastcgi_temp_path ${at('temp/fastcgi')};
    uwsgi_temp_path ${at('temp/uwsgi')};
    scgi_temp_path ${at('temp/scgi')};

    log_format nanomsg_test escape=json
        '{"status":$status,"method":"$request_method","uri":"$request_uri",'
        '"origin":"$http_origin","upstream":"$upstream_addr"}';
    access_log ${at('access.log')} nanomsg_test;

    include ${at('http.conf')};
}
`;
}

/** The text of the file at `path`, or '' when there is none. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Resolves true when a TCP connection to 127.0.0.1:`port` succeeds, false when it fails. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts nginx in `dir` with the http-level configuration `http(ports)`, and
 * resolves once it listens on every port. Tries other ports when one was
 * taken (up to 5 times); rejects with nginx's error log when it does not
 * start.
 */
export async function startNginx({
  dir,
  ports: count,
  http,
  within = 10_000,
}: NginxOptions): Promise<Nginx> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    rmSync(join(dir, 'nginx.pid'), { force: true });
    mkdirSync(join(dir, 'temp'), { recursive: true });
    writeFileSync(join(dir, 'http.conf'), http(ports));
    const confPath = join(dir, 'nginx.conf');
    writeFileSync(confPath, mainConfig(dir));
    // -p: the prefix (relative paths, the default temp folders' parent); -e:
    // the error log before the configuration is read; -g: no daemon, so it
    // stays our child and its end is seen.
    const child = spawn(
      nginxBinary,
      ['-p', dir, '-c', confPath, '-e', 'stderr', '-g', 'daemon off;'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const stderr = { text: '' };
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr.text += chunk));
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await spawned.catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT'
        ? new Error(`${nginxBinary} not found: install nginx (Debian: nginx-light)`)
        : error;
    });
    const nginx = new Nginx(child, exited, stderr, dir, ports);
    // Ready when its pid file names it (nginx writes it once every listening
    // socket is open: not when a port was taken) and the ports accept.
    const pidPath = join(dir, 'nginx.pid');
    const deadline = Date.now() + within;
    let listening = false;
    while (nginx.running && Date.now() < deadline) {
      if (readText(pidPath).trim() === String(child.pid)) {
        listening = (await Promise.all(ports.map(accepts))).every(Boolean);
        if (listening) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (listening && nginx.running) return nginx;
    await nginx.stop();
    if (/Address already in use/.test(stderr.text) && attempt < 5) continue;
    throw new Error(
      `nginx did not start (${nginxBinary}, ${confPath}): ${stderr.text || 'no output'}`,
    );
  }
}
