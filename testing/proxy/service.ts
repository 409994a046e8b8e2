// The nanomsg service the proxy tests put behind nginx: a REP on a ws
// endpoint of 127.0.0.1 in a child process (fixtures/ws-rep.mjs), so that a
// crash of libnanomsg shows as its exit instead of ending the test.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '@nanomsg-ts/testkit';

/** The fixture's path (absolute, so that tests in other folders can start it too). */
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ws-rep.mjs');

/** A running REP service and the port of its ws endpoint. */
export interface Service {
  child: Child;
  port: number;
}

/** What the service reports. */
export interface ServiceStatus {
  /** Requests answered ("echo " and the request). */
  served: number;
  /** Connections libnanomsg accepted (statistics().acceptedConnections). */
  accepted: number;
}

/** What `startService` may change. */
export interface ServiceOptions {
  /** The REP's receiveMaxSize in bytes (libnanomsg's default: 1 MiB). */
  receiveMaxSize?: number;
}

/** Starts a REP on ws://127.0.0.1:<a free port>; resolves once it is bound. */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const args = options.receiveMaxSize === undefined ? [] : [String(options.receiveMaxSize)];
  const child = new Child(fixture, args, { timeout: 300_000 });
  const line = await child.line((l) => l.startsWith('{"address"'));
  if (line === '') throw new Error(`the REP service ended: ${child.stderr}`);
  const address = (JSON.parse(line) as { address: string }).address;
  return { child, port: Number(address.slice(address.lastIndexOf(':') + 1)) };
}

/** The service's next report (it prints one every 100 ms and after every request). */
export async function serviceStatus(service: Service): Promise<ServiceStatus> {
  const n = service.child.json().length;
  await service.child.line((l) => l.startsWith('{"served"') && service.child.json().length > n);
  const last = service.child.json<ServiceStatus>().at(-1);
  if (last === undefined || !service.child.running) {
    throw new Error(`the REP service ended: ${service.child.stderr}`);
  }
  return last;
}
