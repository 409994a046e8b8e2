// Helpers of the advanced suites (raw messages, devices, poll, terminate),
// mostly those of the core suites (../helpers.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript, type ChildResult } from '../helpers.js';

export {
  address,
  rejection,
  sleep,
  useSockets,
  waitFor,
  type ChildResult,
  type Transport,
} from '../helpers.js';
/** Binds to a fresh address, trying another while it is in use; returns the address. */
export { bindAny } from '../../../../testing/helpers.js';

/** How a promise stands right now, after pending callbacks ran: 'pending', 'resolved' or 'rejected'. */
export async function state(
  promise: Promise<unknown>,
): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (s = 'resolved'),
    () => (s = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return s;
}

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Runs fixtures/<name> in a fresh Node.js process; killed (by its pid) after `timeout` ms. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  timeout = 10_000,
): Promise<ChildResult> {
  return runScript(fixturesDir, name, args, { timeout }).done;
}

/** The `key=value` lines a fixture printed. */
export function reported(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
