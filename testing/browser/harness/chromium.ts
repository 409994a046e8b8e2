// Headless Chromium, driven with playwright-core. It never downloads a
// browser: it starts the system's (Debian's `chromium` package), or the one
// NANOMSG_TS_CHROMIUM names.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The browser executable the tests start. */
export const chromiumPath: string = process.env.NANOMSG_TS_CHROMIUM ?? '/usr/bin/chromium';

/** What `launchChromium` may add to its defaults. */
export interface LaunchOptions {
  /** More command-line switches, e.g. `--ignore-certificate-errors-spki-list=<hash>`. */
  args?: readonly string[];
}

/** Starts headless Chromium; fails with a clear message when it is not installed. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `no Chromium at ${chromiumPath}: install Debian's chromium package ` +
        '(apt-get install -y chromium) or set NANOMSG_TS_CHROMIUM to a Chromium executable',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // --no-sandbox: Chromium's sandbox refuses to start as root (CI and the
    // developers' machines run as root). --disable-dev-shm-usage: shared
    // memory in /tmp, since /dev/shm may be small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', ...(options.args ?? [])],
    timeout: 30_000,
  });
}
