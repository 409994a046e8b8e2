// @nanomsg-ts/testkit: what the test suites share, imported by name from
// every test file (`import { bindAny } from '@nanomsg-ts/testkit'`). Private
// to the workspace, never published; it depends on core and the addon only,
// never on a protocol package, so that no protocol package's tests bring in
// another protocol.
//
//   addresses.mjs  transports, fresh addresses, bindAny (also for fixture
//                  scripts in plain Node.js: '@nanomsg-ts/testkit/addresses')
//   waiting.ts     sleep, waitFor, connections, and how promises and calls ended
//   sockets.ts     closing every socket a test made, core Sockets, test data
//   children.ts    fixture scripts in child processes (one runner: Child)
//   interop.ts     nanocat and Perl peers
//   websocket.ts   the server's side of a WebSocket handshake, by hand, and
//                  closing such a server with every connection it has
//   narrowing.ts   the run-time narrowing suite of each protocol package
import { ipcFolder } from './addresses.mjs';

export {
  address,
  bindAny,
  coreTransports,
  ipcFolder,
  networkTransports,
  transports,
  type CoreTransport,
  type Transport,
} from './addresses.mjs';

/** This run's folder for ipc endpoints (`ipcFolder()`); removed when the process exits. */
export const runDir: string = ipcFolder();

export * from './waiting.js';
export * from './sockets.js';
export * from './children.js';
export * from './interop.js';
export * from './narrowing.js';
export * from './websocket.js';
