/** Headless Chromium for browser tests: Debian's package driven by playwright-core (browser downloads fail here). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Why browser tests are skipped on this machine, or undefined when they run. A missing browser
 * skips them so `npm test` ends everywhere; under CI=true they run anyway and fail, because a CI
 * that silently skips its browser tests proves nothing.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath) || process.env['CI'] === 'true') return undefined;
  return `no Chromium at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH to a Chromium executable`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 30_000,
    // Without the background-networking flags Chromium keeps dialling out, and this machine has no outside network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
