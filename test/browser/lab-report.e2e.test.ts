/**
 * The lab's HTML report in Chromium, opened from a file as a reader would: every chart draws its bars,
 * the tables have their rows, and nothing is fetched (the report's CSP would log any attempt as an error).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { labCharts } from '../../src/lab/charts.ts';
import { htmlReport } from '../../src/lab/html-report.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { desktop, saveScreenshot } from '../helpers/web-ui.ts';
import { sampleLabResult } from '../lab/sample-result.ts';

describe('the lab HTML report in Chromium', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'bistro-lab-report-'));
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('renders every chart and table from the file alone, with no request and no console error', async () => {
    const result = sampleLabResult();
    const file = join(dir, 'lab-report.html');
    writeFileSync(file, htmlReport(result));
    const url = pathToFileURL(file).href;

    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(url, { waitUntil: 'load' });

      for (const chart of labCharts(result)) {
        const svg = page.locator(`svg[data-chart="${chart.id}"]`);
        assert.equal(await svg.count(), 1, `the ${chart.id} chart is on the page once`);
        const box = await svg.boundingBox();
        assert.ok(box && box.width > 0 && box.height > 0, `the ${chart.id} chart takes up space: ${JSON.stringify(box)}`);
        const expected = chart.id.startsWith('rr-') ? result.requestResponse.length : result.patterns.length;
        assert.equal(await svg.locator('rect').count(), expected, `the ${chart.id} chart has one bar per row`);
        const widths = await svg.locator('rect').evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().width));
        assert.ok(widths.every((width) => width > 0), `every ${chart.id} bar is drawn: ${widths.join(', ')}`);
        assert.equal(await svg.getAttribute('role'), 'img', `the ${chart.id} chart is an image to assistive technology`);
        assert.equal(await page.getByRole('img', { name: chart.title }).count(), 1, `the ${chart.id} chart is named by its title`);
      }
      assert.equal(await page.locator('#patterns-table tbody tr').count(), result.patterns.length, 'a table row per pattern');
      assert.equal(await page.locator('#questions-table tbody tr').count(), result.requestResponse.length, 'a table row per question and request pattern');
      const firstRow = (await page.locator('#patterns-table tbody tr').first().textContent()) ?? '';
      assert.ok(firstRow.includes('Short polling, every 1 s') && firstRow.includes('502 ms (472–547)'), `the first row shows poll-1s with its range: ${firstRow}`);

      assert.deepEqual(requests, [url], 'the document itself is the only request');
      assert.deepEqual(errors, [], 'no console error (a CSP refusal would be one)');
      await saveScreenshot(page, 'lab-report');
    } finally {
      await context.close();
    }
  });

  test('the report’s CSP refuses anything from outside, loudly, so the test above would see it', async () => {
    const file = join(dir, 'tampered.html');
    const outside = '<img src="https://example.invalid/chart.png" alt=""><link rel="stylesheet" href="https://example.invalid/style.css">';
    writeFileSync(file, htmlReport(sampleLabResult()).replace('</main>', `${outside}</main>`));
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      assert.equal(errors.filter((error) => error.includes('Content Security Policy')).length, 2, `both outside loads are refused as errors: ${errors.join(' | ')}`);
    } finally {
      await context.close();
    }
  });
});
