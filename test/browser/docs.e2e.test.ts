/** The /docs page renders the API in a real browser with no network beyond Bistro itself (no CDN). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const skip = browserSkipReason();

describe('pages in a real browser', { skip }, () => {
  let node: TestNode | undefined;
  let browser: Browser | undefined;

  before(async () => {
    node = await startTestNode();
    browser = await launchBrowser();
  });
  after(async () => {
    // Either may never have started (a missing browser fails the hook above): close what did.
    await browser?.close();
    await node?.close();
  });

  /** A page that records every request it makes anywhere but Bistro: an offline page makes none. */
  async function openPage(): Promise<{ page: Page; url: string; foreign: string[] }> {
    assert.ok(node && browser, 'the node and the browser started');
    const url = node.url;
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    return { page, url, foreign };
  }

  test('the docs page lists the operations and loads nothing from outside', async () => {
    const { page, url, foreign } = await openPage();
    await page.goto(`${url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const summaries = await page.locator('.opblock-summary-path').allInnerTexts();
    assert.ok(summaries.some((path) => path.includes('/orders/{id}/status')), `docs show the status route, saw ${summaries.join(', ')}`);
    assert.ok(summaries.some((path) => path.includes('/menu')), 'docs show the menu');
    const patterns = await page.locator('#patterns td:first-child').allInnerTexts();
    assert.deepEqual(patterns, ['REST', 'Short polling', 'Long polling', 'Server-Sent Events', 'JSON-RPC 2.0', 'WebSocket', 'GraphQL'], 'the page introduces every pattern with a line to try it');
    assert.deepEqual(foreign, [], 'every asset comes from Bistro itself');
  });

  test('GraphiQL renders from local assets and runs a query', async () => {
    const { page, url, foreign } = await openPage();
    await page.goto(`${url}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 15_000 });
    const answer = await page.evaluate(async () => {
      const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ menuItem(id: "fish-and-chips") { name } }' }) });
      return (await response.json()) as { data: { menuItem: { name: string } } };
    });
    assert.equal(answer.data.menuItem.name, 'Fish and chips', 'the page ran a query against Bistro');
    assert.deepEqual(foreign, [], 'every asset comes from Bistro itself');
  });
});
