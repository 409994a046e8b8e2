// A short tour of nanomsg-ts with the generic Socket of @nanomsg-ts/core:
// PAIR over ipc, REQ/REP over tcp on 127.0.0.1, and a receive timeout.
// Run it with `pnpm demo` from the repository's root (it builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NanomsgError, Socket, version } from '@nanomsg-ts/core';

// If anything ever hangs, say so and fail instead of waiting for ever.
const watchdog = setTimeout(() => {
  console.error('demo: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

/** Binds `socket` to a tcp port on 127.0.0.1 picked at random, trying again when it is taken. */
function bindRandomTcpPort(socket) {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const address = `tcp://127.0.0.1:${port}`;
    try {
      socket.bind(address);
      return address;
    } catch (error) {
      if (NanomsgError.isInstance(error) && error.code === 'EADDRINUSE' && attempt < 50) continue;
      throw error;
    }
  }
}

console.log(`libnanomsg ABI ${version.current}.${version.revision}.${version.age}`);

// 1. PAIR over ipc: two peers, each can send and receive.
const dir = mkdtempSync(join(tmpdir(), 'nanomsg-ts-demo-'));
try {
  const pairAddress = `ipc://${join(dir, 'pair.ipc')}`;
  const left = new Socket('NN_PAIR');
  const right = new Socket('NN_PAIR');
  left.bind(pairAddress);
  right.connect(pairAddress);
  console.log(`\nPAIR over ${pairAddress}`);

  await left.send('hello from the left');
  console.log(`  right got: ${await right.recv()}`);
  await right.send(Buffer.from('hello back from the right'));
  console.log(`  left got:  ${await left.recv()}`);
  await Promise.all([left.close(), right.close()]);

  // 2. REQ/REP over tcp: the REP answers every request it receives.
  const rep = new Socket('NN_REP');
  const req = new Socket('NN_REQ');
  const repAddress = bindRandomTcpPort(rep);
  req.connect(repAddress);
  console.log(`\nREQ/REP over ${repAddress}`);

  const served = (async () => {
    for await (const request of rep) {
      await rep.send(`${request.toString().toUpperCase()}!`);
    }
  })();
  for (const word of ['ping', 'hello', 'nanomsg']) {
    await req.send(word);
    console.log(
      `  request ${JSON.stringify(word)} -> reply ${JSON.stringify(String(await req.recv()))}`,
    );
  }

  // 3. Errors carry the library's symbolic code: a REQ with no request out
  //    may not receive (EFSM), and a wait past its timeout fails with ETIMEDOUT.
  const quiet = new Socket('NN_PAIR');
  quiet.bind(`ipc://${join(dir, 'quiet.ipc')}`);
  try {
    await quiet.recv({ timeout: 100 });
  } catch (error) {
    if (!NanomsgError.isInstance(error)) throw error;
    console.log(`\nrecv with a 100 ms timeout and no sender: ${error.code} (${error.message})`);
  }
  try {
    await req.recv();
  } catch (error) {
    if (!NanomsgError.isInstance(error)) throw error;
    console.log(`REQ recv without a request: ${error.code} (${error.message})`);
  }

  // Closing ends the REP's `for await` loop.
  await Promise.all([req.close(), rep.close(), quiet.close()]);
  await served;
  console.log('\nall sockets closed; done');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
