// The processes of the "many requests in flight" scenario (concurrent.mjs):
// a side is a C program of its own (c/nngbench.c) or a pooled Node peer
// (concurrent-peer.mjs); the driver waits for their lines and binds servers.
import { join } from 'node:path';
import { benchDir, nngBinary, randomPort } from './common.mjs';
import { Child, expectAny, parseLine } from './run.mjs';

export const peerScript = join(benchDir, 'src', 'concurrent-peer.mjs');

/** One side of a measurement: a C process of its own, or a pooled Node peer. */
export class Side {
  constructor(variant, slot, pool) {
    this.variant = variant;
    this.slot = slot;
    this.pool = pool;
    this.child = undefined;
  }

  /** Starts it: `args` for the C program, `spec` for the Node peer. Returns an ERROR line or undefined. */
  async start(args, spec) {
    if (this.variant === 'c-nng') {
      this.child = new Child(nngBinary, args.map(String));
      return undefined;
    }
    this.child = this.pool.get('node', this.slot);
    const ready = await this.child.ready;
    if (!ready.startsWith('SERVING')) return ready;
    this.child.lines.length = 0;
    this.child.send(`run ${JSON.stringify({ variant: this.variant, ...spec })}`);
    return undefined;
  }

  async finish() {
    const child = this.child;
    if (child === undefined) return;
    if (this.variant === 'c-nng') return child.stop(2000);
    child.send('end');
    const done = parseLine(await child.expect(['DONE'], Date.now() + 10_000));
    if (done.tag !== 'DONE') await this.pool.drop(child);
  }
}

/** Waits for a line of `side` starting with one of `prefixes`; an ERROR of either side ends it. */
export async function next(side, other, prefixes, deadline) {
  const [child, line] = await expectAny(
    [
      [side.child, prefixes],
      [other.child, []],
    ],
    deadline,
  );
  const { tag, data } = parseLine(line);
  if (tag === 'ERROR') {
    const who = child === side.child ? side.slot : other.slot;
    throw Object.assign(new Error(`${who}: ${data?.message ?? line}`), { data });
  }
  return data;
}

function address(transport, runDir, serial, attempt) {
  return transport === 'ipc'
    ? `ipc://${join(runDir, `conc-${serial}-${attempt}.ipc`)}`
    : `tcp://127.0.0.1:${randomPort()}`;
}

/** Binds a server (retrying another address when it is taken); resolves with its address and first line. */
export async function bindServer(server, client, transport, ctx, start, deadline) {
  for (let attempt = 0; ; attempt++) {
    const addr = address(transport, ctx.runDir, ctx.serial, attempt);
    const early = await start(addr);
    if (early !== undefined) throw new Error(`server: ${parseLine(early).data?.message}`);
    try {
      const data = await next(server, client, ['READY'], deadline);
      return { addr, data };
    } catch (error) {
      if (!(error.data?.addrinuse && attempt < 5)) throw error;
      await server.finish();
    }
  }
}
