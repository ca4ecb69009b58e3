/**
 * Debian's chromium for the browser tests, driven by playwright-core (no browser is downloaded).
 * Without it a browser test skips and says so; .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether chromium is there; if not, a line says which test skips and how to get it. */
export function chromiumFor(what: string): boolean {
  const have = existsSync(chromiumPath);
  if (!have)
    console.warn(
      `SKIPPED: ${what} needs chromium at ${chromiumPath} (apt-get install chromium, as .ci/run does; or set CHROMIUM_PATH).`,
    );
  return have;
}

/** Headless, sandbox off (containers), and nothing of its own on the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The two screens the web view is read on. */
export const viewports = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 900 } } },
  {
    name: 'phone',
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  },
] as const;

/** Where the web view's browser tests leave their screenshots (git-ignored). */
export const webArtefacts = path.resolve(import.meta.dirname, '../../artefacts/web');
