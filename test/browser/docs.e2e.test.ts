/** The /docs page renders the API in a real browser with no network beyond Bistro itself (no CDN). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;

/** Collects every request the page makes anywhere but Bistro: an offline page makes none. */
function foreignRequests(page: Page): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(node.url) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  return foreign;
}

let browser: Browser;
before(async () => {
  node = await startTestNode();
  browser = await launchBrowser();
});
after(async () => {
  await browser.close();
  await node.close();
});

test('the docs page lists the operations and loads nothing from outside', async () => {
  const page = await browser.newPage();
  const foreign = foreignRequests(page);
  await page.goto(`${node.url}/docs`);
  await page.waitForSelector('.opblock', { timeout: 15_000 });
  const summaries = await page.locator('.opblock-summary-path').allInnerTexts();
  assert.ok(summaries.some((path) => path.includes('/orders/{id}/status')), `docs show the status route, saw ${summaries.join(', ')}`);
  assert.ok(summaries.some((path) => path.includes('/menu')));
  assert.deepEqual(foreign, [], 'every asset comes from Bistro itself');
  await page.screenshot({ path: `${node.dir}/docs.png` });
});

test('GraphiQL renders from local assets and runs a query', async () => {
  const page = await browser.newPage();
  const foreign = foreignRequests(page);
  await page.goto(`${node.url}/graphql`);
  await page.waitForSelector('.graphiql-container', { timeout: 15_000 });
  const answer = await page.evaluate(async () => {
    const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ menuItem(id: "fish-and-chips") { name } }' }) });
    return (await response.json()) as { data: { menuItem: { name: string } } };
  });
  assert.equal(answer.data.menuItem.name, 'Fish and chips');
  assert.deepEqual(foreign, [], 'every asset comes from Bistro itself');
});
