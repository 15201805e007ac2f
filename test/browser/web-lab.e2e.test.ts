/**
 * The Lab page in Chromium against a real node: the admin signs in, runs a tiny workload (a real
 * `bistro lab` child process), watches the progress bar move, and then sees the report's charts, each
 * an SVG with bars, and the medians table; nothing is fetched from outside. A guest sees the sign-in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, eventually, openRestaurant, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';

describe('the Lab page', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;
  before(async () => {
    r = await openRestaurant();
  });
  after(() => r?.close());

  test('without the admin key the page asks for it', async () => {
    const { page } = await r.person(desktop);
    await page.goto(`${r.node.url}/#/lab`);
    await page.getByRole('heading', { name: 'Pattern Lab' }).waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Staff sign in' }).isVisible(), 'the staff sign-in is shown');
    assert.equal(await page.getByRole('button', { name: 'Run' }).count(), 0, 'and no Run button');
  });

  test('the admin runs a tiny workload, sees its progress, then the charts and medians', async () => {
    const { page } = await r.staff('admin', desktop);
    await page.goto(`${r.node.url}/#/lab`);
    await page.getByRole('heading', { name: 'Pattern Lab' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Lab' }).getAttribute('aria-current'), 'page', 'the top bar marks the Lab page');

    await page.getByLabel('Guests', { exact: true }).fill('3');
    await page.getByLabel('Kitchen pace (ms per status)').fill('50');
    await page.getByLabel('Guests arrive over (s)').fill('1');
    await page.getByLabel('Rounds').fill('1');
    await page.getByLabel('Seed (blank: a new one)').fill('7');
    const patterns = page.getByRole('group', { name: 'Patterns' });
    for (const box of await patterns.getByRole('checkbox').all()) await box.uncheck();
    await patterns.getByLabel('Server-Sent Events').check();
    await patterns.getByLabel('Short polling, every 1 s').check();
    await page.getByRole('button', { name: 'Run' }).click();

    const bar = page.getByRole('progressbar', { name: 'Lab run' });
    await bar.waitFor();
    // Every value the bar showed, read until the report replaces it: it must have moved past zero.
    const seen = new Set<number>();
    const report = page.getByRole('heading', { name: 'Result' });
    await eventually(
      'the run ends with its report',
      async () => {
        if (await bar.isVisible().catch(() => false)) {
          const now = await bar.getAttribute('aria-valuenow', { timeout: 500 }).catch(() => null);
          if (now !== null) seen.add(Number(now));
        }
        if (await page.getByRole('alert').isVisible()) throw new Error(`the page shows an error: ${await page.getByRole('alert').textContent()}`);
        return report.isVisible();
      },
      240_000,
    );
    assert.ok([...seen].some((value) => value > 0), `the progress bar moved: it showed ${[...seen].join(', ')}`);

    const table = page.getByRole('table', { name: 'Each pattern’s medians' });
    assert.deepEqual(await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-pattern'))), ['poll-1s', 'sse'], 'a row for each pattern asked, in the lab’s order');

    const charts = page.locator('figure.lab-chart');
    const count = await charts.count();
    assert.ok(count > 0, 'the report shows charts');
    for (let index = 0; index < count; index++) {
      const chart = charts.nth(index);
      const title = (await chart.getByRole('heading').textContent()) ?? '';
      const svg = chart.locator('svg');
      assert.ok(await svg.isVisible(), `${title}: its SVG is visible`);
      const box = await svg.boundingBox();
      assert.ok(box !== null && box.width > 100 && box.height > 20, `${title}: the SVG has a size: ${JSON.stringify(box)}`);
      assert.ok((await svg.locator('rect.bar').count()) > 0, `${title}: it has bars`);
      assert.ok(((await chart.locator('figcaption').textContent()) ?? '').length > 0, `${title}: and a caption`);
    }
    const download = page.getByRole('link', { name: 'Download JSON' });
    assert.match((await download.getAttribute('href')) ?? '', /^blob:/, 'the JSON downloads from a blob URL, not the server');

    await saveScreenshot(page, 'lab-desktop');
    assert.deepEqual(r.outside, [], 'nothing was fetched from outside the node');
  });
});
