// REQ/REP with @nanomsg-ts/reqrep: a client's requests and a server's replies
// over tcp on 127.0.0.1, and the library's EFSM for a reply out of turn.
// Run it with `node examples/reqrep.mjs` (after `pnpm build`), or `pnpm demo`.
import { NanomsgError, Rep, Req } from '@nanomsg-ts/reqrep';

const watchdog = setTimeout(() => {
  console.error('reqrep: still running after 20 s, giving up');
  process.exit(1);
}, 20_000);
watchdog.unref();

/** Binds to a random port on 127.0.0.1, trying another one while it is taken. */
function bindRandomPort(socket) {
  for (let attempt = 0; ; attempt++) {
    const address = `tcp://127.0.0.1:${20_000 + Math.floor(Math.random() * 40_000)}`;
    try {
      socket.bind(address);
      return address;
    } catch (error) {
      if (NanomsgError.isInstance(error) && error.code === 'EADDRINUSE' && attempt < 50) continue;
      throw error;
    }
  }
}

const server = new Rep();
const client = new Req();
try {
  client.connect(bindRandomPort(server));
  console.log('REQ/REP over tcp');

  // The server answers each request; closing it ends the loop.
  const serving = (async () => {
    for await (const request of server) await server.send(`${String(request).toUpperCase()}!`);
  })();

  for (const word of ['ping', 'hello', 'nanomsg']) {
    // request() sends and waits for this request's own reply.
    const reply = await client.request(word, { timeout: 5000 });
    console.log(`  request "${word}" -> reply "${reply}"`);
  }

  // A REP must receive before it sends: the library says EFSM.
  try {
    await server.send('unsolicited');
  } catch (error) {
    if (!NanomsgError.isInstance(error)) throw error;
    console.log(`  a REP sending out of turn: ${error.code}`);
  }

  await server.close();
  await serving;
} finally {
  await Promise.all([client.close(), server.close()]);
}
console.log('reqrep: done');
