// The page of the web example: a Sub showing the live prices of the Node.js
// Pub, a Req asking the Node.js Rep, and each socket's connection status.
// examples/web/server.mjs bundles it with @nanomsg-ts/web and serves it.
import { NanomsgError, Req, Sub } from '@nanomsg-ts/web';

const SHOWN = 10;
const decoder = new TextDecoder();
const $ = (id) => document.getElementById(id);

// Where the Node.js sockets listen, as the server tells.
const config = await (await fetch('config.json')).json();

// A Sub receives only what starts with a subscribed prefix.
const sub = new Sub({ subscribe: [config.topic] });
sub.connect(config.pub);

// A Req may have many requests in flight; each gets its own reply.
const req = new Req();
req.connect(config.rep);

/** Shows whether `socket` has an open connection, from its statistics. */
function showStatus(socket, element) {
  const { currentConnections } = socket.statistics();
  element.textContent = currentConnections > 0 ? 'connected' : 'connecting';
  element.classList.toggle('connected', currentConnections > 0);
}
setInterval(() => {
  showStatus(sub, $('sub-status'));
  showStatus(req, $('req-status'));
}, 250);

/** An error as the page shows it: a NanomsgError by its code. */
function describe(error) {
  return NanomsgError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
}

$('ask').addEventListener('submit', async (event) => {
  event.preventDefault();
  const output = $('reply');
  const started = performance.now();
  try {
    const reply = await req.request($('request').value, { timeout: 3000 });
    const ms = (performance.now() - started).toFixed(1);
    output.className = '';
    output.textContent = `${decoder.decode(reply)} (round trip ${ms} ms)`;
  } catch (error) {
    output.className = 'error';
    output.textContent = describe(error);
  }
});

// The last messages, newest first; the loop ends if the Sub closes.
try {
  for await (const message of sub) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString();
    item.append(time, decoder.decode(message).slice(config.topic.length));
    $('messages').prepend(item);
    $('messages').children[SHOWN]?.remove();
  }
} catch (error) {
  $('messages').textContent = describe(error);
}
