// What a message may be on the way in (bytes, or a string sent as UTF-8) and
// how it is checked: a wrong type is the caller's bug, a TypeError at once.

/** A message as callers give it: bytes, or a string sent as UTF-8. */
export type Message = string | Uint8Array;

const encoder = /* @__PURE__ */ new TextEncoder();

/** The bytes of `message`; TypeError for anything else. */
export function toBytes(message: unknown, what = 'message'): Uint8Array {
  if (typeof message === 'string') return encoder.encode(message);
  if (message instanceof Uint8Array) return message;
  throw new TypeError(`${what} must be a string or a Uint8Array`);
}

/** `header` then `body` in one new array (one SP message, one WebSocket message). */
export function frame(header: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.byteLength + body.byteLength);
  out.set(header);
  out.set(body, header.byteLength);
  return out;
}
