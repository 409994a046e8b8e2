// The vitest wiring of a browser test file: one Chromium and one served
// bundle for the file, fresh pages (each in its own browser context) for
// each test, a screenshot and the console of each page when a test fails,
// everything closed at the end.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser } from 'playwright-core';
import { bundle, type Bundle } from './bundle.js';
import { launchChromium } from './chromium.js';
import { TestPage } from './page.js';
import { serve, type PageServer } from './serve.js';

/** What `useBrowser` may change. */
export interface BrowserOptions {
  /**
   * More Chromium switches, asked for when Chromium starts (in a `beforeAll`
   * hook, after those the test file registered before calling `useBrowser`).
   */
  chromiumArgs?: () => readonly string[];
}

/** A test file's Chromium and its served bundle. */
export interface BrowserFixture {
  /** The http server of the bundle, `http://127.0.0.1:PORT/` (started before Chromium). */
  server(): PageServer;
  /**
   * Opens a page at `url` (by default the server's) for the current test and
   * waits until its script is ready; it is closed after the test.
   */
  open(url?: string): Promise<TestPage>;
}

/**
 * For a test file: bundles `entry` (a page script, see rpc.ts) and serves it
 * once, starts Chromium once; the test opens the pages it needs.
 */
export function useBrowser(entry: string, options: BrowserOptions = {}): BrowserFixture {
  let browser: Browser | undefined;
  let bundled: Bundle | undefined;
  let server: PageServer | undefined;
  let pages: TestPage[] = [];

  beforeAll(async () => {
    bundled = await bundle(entry);
    server = await serve(bundled);
    browser = await launchChromium({ args: options.chromiumArgs?.() ?? [] });
  }, 60_000);

  afterEach(async (context) => {
    const opened = pages;
    pages = [];
    for (const [i, page] of opened.entries()) {
      if (context.task.result?.state === 'fail') {
        const suffix = opened.length > 1 ? `-${i + 1}` : '';
        const name = `${context.task.file.name.replace(/^.*\//, '')}-${context.task.name}${suffix}`;
        const file = await page.screenshot(name).catch((error: unknown) => `none (${error})`);
        console.error(
          `browser page ${page.page.url()} of "${context.task.name}": screenshot ${file}; console:\n  ` +
            (page.messages().join('\n  ') || '(empty)'),
        );
      }
      await page.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await bundled?.remove();
  });

  return {
    server() {
      if (server === undefined) throw new Error('no page server before beforeAll');
      return server;
    },
    async open(url) {
      if (browser === undefined || server === undefined) {
        throw new Error('no browser: pages can be opened only during a test');
      }
      const page = await TestPage.open(browser, url ?? server.url);
      pages.push(page);
      return page;
    },
  };
}

/**
 * For a test file: bundles `entry` (a page script, see rpc.ts) once, starts
 * Chromium once, and returns a getter for the current test's page (served
 * by the harness, see serve.ts).
 */
export function usePage(entry: string, options: BrowserOptions = {}): () => TestPage {
  const browser = useBrowser(entry, options);
  let current: TestPage | undefined;

  beforeEach(async () => {
    current = await browser.open();
  });

  afterEach(() => {
    current = undefined;
  });

  return () => {
    if (current === undefined) throw new Error('no page: usePage() pages exist only during a test');
    return current;
  };
}
