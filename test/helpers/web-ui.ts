/**
 * The web UI in Chromium against a real node: contexts that record every request that did not go
 * to the node (and abort it, so nothing leaves even by mistake), staff signed in by their stored
 * session, and screenshots saved as test artifacts under test-artifacts/screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from './browser.ts';
import { startTestNode, type TestNode } from './node.ts';

export const webDist = join(import.meta.dirname, '..', '..', 'web', 'dist');
export const screenshotDir = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

export const phone = { width: 360, height: 780 };
export const desktop = { width: 1280, height: 860 };

/** Why the web UI tests skip here, if they do: no Chromium, or no build (under CI=true neither skips: they fail). */
export function webUiSkipReason(): string | undefined {
  const browser = browserSkipReason();
  if (browser) return browser;
  if (!existsSync(join(webDist, 'index.html')) && process.env['CI'] !== 'true') return 'the web UI is not built: npm run build:web';
  return undefined;
}

export interface Restaurant {
  node: TestNode;
  browser: Browser;
  /** URLs the pages asked for that were not the node's, across every context opened here. */
  outside: string[];
  /** A fresh browser profile (one person) at `viewport`, recording outside requests. */
  person(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** A fresh profile already signed in as staff with `token` (as the sign-in form would leave it). */
  staff(role: 'waiter' | 'kitchen' | 'admin', viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; token: string }>;
  close(): Promise<void>;
}

export async function openRestaurant(env: Record<string, string> = {}): Promise<Restaurant> {
  const node = await startTestNode(env);
  const browser = await launchBrowser();
  const outside: string[] = [];
  const contexts: BrowserContext[] = [];
  const origin = new URL(node.url).origin;
  const ownSocket = origin.replace(/^http/, 'ws');

  async function person(viewport = desktop) {
    const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
    contexts.push(context);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('page', (page) => page.on('websocket', (socket) => (socket.url().startsWith(`${ownSocket}/`) ? undefined : outside.push(socket.url()))));
    const page = await context.newPage();
    page.on('websocket', (socket) => (socket.url().startsWith(`${ownSocket}/`) ? undefined : outside.push(socket.url())));
    return { context, page };
  }

  async function staff(role: 'waiter' | 'kitchen' | 'admin', viewport = desktop) {
    const token = role === 'admin' ? node.adminToken : await node.staffKey(role);
    const me = (await node.request('/me', { token })).body as { id: string; role: string; name: string };
    const { context, page } = await person(viewport);
    const session = JSON.stringify({ token, id: me.id, role: me.role, name: me.name });
    await context.addInitScript({ content: `localStorage.setItem('bistro.staff', ${JSON.stringify(session)})` });
    return { context, page, token };
  }

  return {
    node,
    browser,
    outside,
    person,
    staff,
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await node.close();
    },
  };
}

/** Saves a screenshot (the whole page unless `fullPage` is false) as a test artifact: test-artifacts/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`);
}
