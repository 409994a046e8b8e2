// The vitest wiring of a browser test file: one Chromium and one served
// bundle for the file, a fresh page (its own browser context) for each test,
// a screenshot and the page's console when a test fails, everything closed
// at the end.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser } from 'playwright-core';
import { bundle, type Bundle } from './bundle.js';
import { launchChromium } from './chromium.js';
import { TestPage } from './page.js';
import { serve, type PageServer } from './serve.js';

/**
 * For a test file: bundles `entry` (a page script, see rpc.ts) once, starts
 * Chromium once, and returns a getter for the current test's page.
 */
export function usePage(entry: string): () => TestPage {
  let browser: Browser | undefined;
  let bundled: Bundle | undefined;
  let server: PageServer | undefined;
  let current: TestPage | undefined;

  beforeAll(async () => {
    bundled = await bundle(entry);
    server = await serve(bundled);
    browser = await launchChromium();
  }, 60_000);

  beforeEach(async () => {
    current = await TestPage.open(browser!, server!.url);
  });

  afterEach(async (context) => {
    const page = current;
    current = undefined;
    if (page === undefined) return;
    if (context.task.result?.state === 'fail') {
      const name = `${context.task.file.name.replace(/^.*\//, '')}-${context.task.name}`;
      const file = await page.screenshot(name).catch((error: unknown) => `none (${error})`);
      console.error(
        `browser page of "${context.task.name}": screenshot ${file}; console:\n  ` +
          (page.messages().join('\n  ') || '(empty)'),
      );
    }
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await bundled?.remove();
  });

  return () => {
    if (current === undefined) throw new Error('no page: usePage() pages exist only during a test');
    return current;
  };
}
