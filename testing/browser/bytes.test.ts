// Byte-exact messages between the page and Node.js over libnanomsg's ws
// transport: 0 B, every byte value, 1 MiB of noise (binary frames), and
// 0 B and 1 MiB of multi-byte UTF-8 (text frames), both ways.
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Pair } from '@nanomsg-ts/pair';
import { Rep } from '@nanomsg-ts/reqrep';
import { allBytes, bindAny, pattern, useInterop } from '@nanomsg-ts/testkit';
import { usePage } from './harness/fixture.js';
import { RemoteSocket } from './harness/remote.js';

const page = usePage(fileURLToPath(new URL('./pages/web.ts', import.meta.url)));
const track = useInterop();

const MiB = 1024 * 1024;

/** The first difference between two buffers, for a readable failure. */
function sameBytes(got: Buffer, want: Buffer): string {
  if (got.equals(want)) return 'equal';
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  const at = got.findIndex((b, i) => b !== want[i]);
  return `differs at byte ${at}: ${got[at]} instead of ${want[at]}`;
}

/** A Node.js Pair bound at ws and a page Pair connected to it. */
async function pairs(wsMessageType: 'binary' | 'text'): Promise<{ node: Pair; web: RemoteSocket }> {
  const node = track(new Pair({ wsMessageType }));
  const web = await RemoteSocket.open(page(), 'Pair');
  await web.connect(bindAny(node, 'ws').address);
  return { node, web };
}

describe('binary frames', () => {
  const cases: Array<[string, Buffer]> = [
    ['0 B', Buffer.alloc(0)],
    ['every byte value', allBytes],
    ['1 MiB', pattern(MiB, 7)],
  ];

  test.each(cases)('Pair, page to Node.js: %s', async (_, message) => {
    const { node, web } = await pairs('binary');
    await web.send(message, { timeout: 10_000 });
    expect(sameBytes(await node.recv({ timeout: 10_000 }), message)).toBe('equal');
  });

  test.each(cases)('Pair, Node.js to page: %s', async (_, message) => {
    const { node, web } = await pairs('binary');
    await node.send(message, { timeout: 10_000 });
    expect(sameBytes(await web.recv({ timeout: 10_000 }), message)).toBe('equal');
  });

  test('Req -> Rep: a 0 B request and a 1 MiB one, each answered byte for byte', async () => {
    // The 1 MiB body comes with a 4-byte id, and the reply with a prefix: above
    // both sides' default receiveMaxSize (1 MiB), so both are raised.
    const node = track(new Rep({ concurrent: true, receiveMaxSize: 4 * MiB }));
    const url = bindAny(node, 'ws').address;
    void node.serve((request) => Buffer.concat([Buffer.from('re:'), request]));
    const req = await RemoteSocket.open(page(), 'Req', { receiveMaxSize: 4 * MiB });
    await req.connect(url);
    const big = pattern(MiB, 11);
    const [empty, large] = await req.requestAll([Buffer.alloc(0), big], { timeout: 20_000 });
    expect(sameBytes(empty!, Buffer.from('re:'))).toBe('equal');
    expect(sameBytes(large!, Buffer.concat([Buffer.from('re:'), big]))).toBe('equal');
  });
});

describe('text frames', () => {
  // 1 MiB of 1-, 2-, 3- and 4-byte characters.
  const unit = 'aé€😀';
  const text = unit.repeat(MiB / Buffer.byteLength(unit));
  const cases: Array<[string, string]> = [
    ['0 B', ''],
    ['1 MiB of multi-byte UTF-8', text],
  ];

  test.each(cases)('Pair, page to Node.js: %s', async (_, message) => {
    const { node, web } = await pairs('text');
    await web.send(message, { timeout: 10_000 });
    expect(sameBytes(await node.recv({ timeout: 10_000 }), Buffer.from(message))).toBe('equal');
  });

  test.each(cases)('Pair, Node.js to page: %s', async (_, message) => {
    const { node, web } = await pairs('text');
    await node.send(message, { timeout: 10_000 });
    expect(sameBytes(await web.recv({ timeout: 10_000 }), Buffer.from(message))).toBe('equal');
  });
});
