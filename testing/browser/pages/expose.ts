// Runs in the page: puts a page's functions on globalThis for the tests (see
// ../harness/rpc.ts), writes each call and its outcome into the page (so a
// screenshot shows what happened), and converts bytes to and from base64.
import { pageGlobal, type PageEndpoint, type PageResult } from '../harness/rpc.js';

const log = document.getElementById('log');

/** Adds a line to the page's visible log (the last 200 lines are kept). */
export function note(line: string): void {
  if (log === null) return;
  log.textContent = `${log.textContent ?? ''}${new Date().toISOString().slice(11, 23)} ${line}\n`
    .split('\n')
    .slice(-201)
    .join('\n');
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Makes `methods` callable from the tests. */
export function expose(methods: Record<string, (...args: never[]) => unknown>): void {
  const endpoint: PageEndpoint = {
    async call(method, args): Promise<PageResult> {
      const fn = methods[method] as ((...args: unknown[]) => unknown) | undefined;
      note(`call ${method}(${brief(args).slice(1, -1)})`);
      try {
        if (fn === undefined) throw new TypeError(`the page has no function ${method}`);
        const value = await fn(...args);
        note(`  ${method} -> ${brief(value)}`);
        return { ok: true, value: value ?? null };
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        const code = (e as { code?: unknown }).code;
        note(
          `  ${method} failed: ${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`,
        );
        return {
          ok: false,
          error: {
            name: e.name,
            message: e.message,
            ...(typeof code === 'string' ? { code } : {}),
            ...(e.stack === undefined ? {} : { stack: e.stack }),
          },
        };
      }
    },
  };
  (globalThis as Record<string, unknown>)[pageGlobal] = endpoint;
  note(`ready: ${Object.keys(methods).join(', ')}`);
}

/** Bytes from base64. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes as base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
