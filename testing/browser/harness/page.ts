// One browser page running a bundled script: open it, call the functions it
// exposes (see rpc.ts), take screenshots, close it.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { pageGlobal, type PageFailure, type PageResult } from './rpc.js';

/** Where screenshots go: the repository's test-results/browser (a CI artifact, git-ignored). */
export const screenshotDir: string = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test-results/browser',
);

/** An error thrown in the page, with the `code` it carried (e.g. a NanomsgError's). */
export class PageError extends Error {
  readonly code: string | undefined;
  readonly pageName: string;

  constructor(method: string, failure: PageFailure) {
    super(`in the page, ${method}: ${failure.name}: ${failure.message}`);
    this.name = 'PageError';
    this.code = failure.code;
    this.pageName = failure.name;
  }
}

/** A page of `browser` showing the page at `url`. */
export class TestPage {
  readonly page: Page;
  readonly #messages: string[] = [];

  private constructor(page: Page) {
    this.page = page;
    page.on('console', (message) => this.#messages.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => this.#messages.push(`page error: ${error.message}`));
  }

  /** Opens `url` in a new context of `browser` and waits until its script is ready. */
  static async open(browser: Browser, url: string): Promise<TestPage> {
    const context = await browser.newContext();
    const test = new TestPage(await context.newPage());
    try {
      await test.page.goto(url);
      await test.page.waitForFunction(`globalThis.${pageGlobal} !== undefined`, undefined, {
        timeout: 10_000,
      });
    } catch (error) {
      await context.close();
      throw new Error(`the page at ${url} did not start: ${test.messages().join('; ')}`, {
        cause: error,
      });
    }
    return test;
  }

  /**
   * Runs the page's function `method` with `args` (JSON values) and resolves
   * with its result; rejects with a `PageError` when it threw.
   */
  async call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    const expression = `globalThis.${pageGlobal}.call(${JSON.stringify(method)}, ${JSON.stringify(args)})`;
    const result = (await this.page.evaluate(expression)) as PageResult;
    if (!result.ok) throw new PageError(method, result.error);
    return result.value as T;
  }

  /** What the page logged to its console, and its uncaught errors, so far. */
  messages(): readonly string[] {
    return this.#messages;
  }

  /** Saves a PNG of the page as test-results/browser/<name>.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    await mkdir(screenshotDir, { recursive: true });
    const file = join(screenshotDir, `${name.replace(/[^\w.-]+/g, '_').slice(0, 150)}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Closes the page and its context (every WebSocket it had). */
  async close(): Promise<void> {
    await this.page.context().close();
  }
}
