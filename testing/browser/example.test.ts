// The browser example (examples/web, `pnpm demo:web`) in a real Chromium:
// the page shows live prices from the Node.js Pub and a reply of the Node.js
// Rep, and the test keeps its screenshot (test-results/browser/example-web.png,
// a CI artifact).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root } from '../../scripts/packages.mjs';
import { launchChromium } from './harness/chromium.js';
import { screenshotDir } from './harness/page.js';

let server: ChildProcess | undefined;
let url = '';
let browser: Browser | undefined;

beforeAll(async () => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const child = spawn(
    process.execPath,
    [join(root, 'examples', 'web', 'server.mjs'), String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  server = child;
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the example server exited (${code}): ${out}`)));
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

describe('examples/web in Chromium', () => {
  test('live prices and a reply on the page; its screenshot kept', async () => {
    const page = await browser!.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(url);
    await page.locator('#messages li').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#messages li').first().innerText()).toMatch(/ACME|INITECH|UMBRELLA/);
    await page.fill('#request', 'umbrella');
    await page.click('#ask button');
    await expect
      .poll(() => page.locator('#reply').innerText(), { timeout: 10_000 })
      .toMatch(/UMBRELLA is at \d/);
    // The badges follow statistics() every 250 ms: they may trail the first reply.
    for (const badge of ['#req-status', '#sub-status']) {
      await expect.poll(() => page.locator(badge).innerText(), { timeout: 5000 }).toBe('connected');
    }
    const file = join(screenshotDir, 'example-web.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });
});
