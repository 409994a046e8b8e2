// Request and survey ids as libnanomsg makes them (req.c, surveyor.c): 32
// bits with the top bit set, counted up from a random start, sent big-endian
// as the SP header's only word.

const TOP_BIT = 0x80000000;

/** The ids of one socket. */
export class Ids {
  #next = Math.floor(Math.random() * TOP_BIT);

  /** The next id. */
  take(): number {
    const id = (this.#next | TOP_BIT) >>> 0;
    this.#next = (this.#next + 1) & 0x7fffffff;
    return id;
  }
}

/** The id of `frame` (its first word), or undefined when the frame is too short or its top bit is clear. */
export function idOf(frame: Uint8Array): number | undefined {
  if (frame.byteLength < 4) return undefined;
  const id = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0);
  return id >= TOP_BIT ? id : undefined;
}

/** `id` then `body`, as one frame. */
export function withId(id: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.byteLength);
  new DataView(out.buffer).setUint32(0, id);
  out.set(body, 4);
  return out;
}
