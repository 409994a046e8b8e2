// Memory of a concurrent Req with 10,000 requests in flight, held by a
// concurrent Rep until all have come (concurrent-peer.mjs: roles flood and
// hold), both in fresh processes with --expose-gc, over ipc.
import { Child } from './run.mjs';
import { bindServer, next, peerScript } from './concurrent-sides.mjs';

export const MEMORY_COUNT = 10_000;

/** The memory of a concurrent Req with `count` requests in flight (fresh processes, --expose-gc). */
export async function measureMemory(ctx, size, count = MEMORY_COUNT) {
  const deadline = Date.now() + ctx.timeoutMs * 2;
  const fresh = (slot, spec) => {
    const side = {
      slot,
      child: undefined,
      start(extra) {
        const args = ['--expose-gc', peerScript, JSON.stringify({ ...spec, ...extra })];
        side.child = new Child(process.execPath, args);
        return undefined;
      },
      finish: () => side.child?.stop(5000),
    };
    return side;
  };
  const client = fresh('client', { role: 'flood', variant: 'concurrent', count, size });
  const server = fresh('server', { role: 'hold', variant: 'concurrent', count });
  client.start();
  try {
    const { addr } = await bindServer(
      server,
      client,
      'ipc',
      ctx,
      (a) => server.start({ addr: a }),
      deadline,
    );
    await next(client, server, ['LOADED'], deadline);
    client.child.send(`go ${addr}`);
    const rounds = [];
    for (const measured of [false, true]) {
      // The first round warms up; the baseline is taken after it (after a GC).
      client.child.send('sample');
      const before = await next(client, server, ['SAMPLE '], deadline);
      client.child.send('round');
      const serverHeld = await next(server, client, ['HELD '], deadline);
      client.child.send('sample');
      const clientHeld = await next(client, server, ['SAMPLE '], deadline);
      server.child.send('release');
      const { ms } = await next(client, server, ['ROUND '], deadline);
      server.child.send('sample');
      const serverAfter = await next(server, client, ['SAMPLE '], deadline);
      rounds.push({ measured, before, clientHeld, serverHeld, serverAfter, ms });
    }
    const [warm, last] = rounds;
    const per = (a, b, key) => ((b[key] - a[key]) * 1024 * 1024) / count;
    return {
      count,
      transport: 'ipc',
      client: {
        base: last.before,
        held: last.clientHeld,
        rssBytesPerRequest: per(last.before, last.clientHeld, 'rssMB'),
        heapBytesPerRequest: per(last.before, last.clientHeld, 'heapUsedMB'),
        externalBytesPerRequest: per(last.before, last.clientHeld, 'externalMB'),
      },
      server: {
        base: warm.serverAfter,
        held: last.serverHeld,
        rssBytesPerRequest: per(warm.serverAfter, last.serverHeld, 'rssMB'),
        heapBytesPerRequest: per(warm.serverAfter, last.serverHeld, 'heapUsedMB'),
      },
      // Requests the server saw twice: replies libnanomsg dropped, resent by the Req.
      resends: last.serverAfter.resends,
      roundMs: rounds.map((r) => r.ms),
    };
  } catch (error) {
    return { error: error.message };
  } finally {
    await Promise.all([client.finish(), server.finish()]);
  }
}
