// The contract between a test (in Node.js) and its page: the page's bundle
// puts one object on globalThis under `pageGlobal`, whose `call(method, args)`
// runs one of the page's functions. Arguments and results cross as JSON, so
// bytes cross as base64 strings; a function that throws comes back as a
// `PageFailure` (with the error's `code` when it has one).

/** The global name under which a page exposes its functions. */
export const pageGlobal = '__nanomsgTsPage';

/** What a thrown error looks like once it crossed. */
export interface PageFailure {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The outcome of one call. */
export type PageResult = { ok: true; value: unknown } | { ok: false; error: PageFailure };

/** The object a page puts on globalThis. */
export interface PageEndpoint {
  call(method: string, args: unknown[]): Promise<PageResult>;
}
