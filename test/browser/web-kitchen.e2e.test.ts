/**
 * The kitchen board in Chromium against a real node: a guest's order placed over the API appears
 * live in "New", moves through every column by its buttons (stored each time, seen live by a
 * second kitchen page), one move by drag and drop, and an invalid move shows the server's own
 * refusal on the card and changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';
import { desktop, eventually, openRestaurant, phone, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';

describe('the kitchen board', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;

  before(async () => {
    r = await openRestaurant();
  });
  after(async () => {
    await r?.close();
  });

  async function placeOrder(table: number, name: string): Promise<string> {
    const guest = await r.node.guest(table, name);
    const placed = await r.node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
    assert.equal(placed.status, 201, `the guest's order is placed: ${placed.text}`);
    return placed.body.id as string;
  }

  async function storedStatus(id: string): Promise<string> {
    const got = await r.node.request(`/orders/${id}`, { token: r.node.adminToken });
    return got.body.status as string;
  }

  const card = (page: Page, column: string, id: string) => page.getByRole('region', { name: column, exact: true }).locator(`article[data-order-id="${id}"]`);

  async function openBoard(viewport = desktop): Promise<Page> {
    const { page } = await r.staff('kitchen', viewport);
    await page.goto(`${r.node.url}/#/kitchen`);
    await page.getByRole('heading', { name: 'Kitchen board' }).waitFor();
    await page.getByRole('region', { name: 'New', exact: true }).waitFor();
    return page;
  }

  test('an order moves through every column by its buttons, live on a second board', async () => {
    const page = await openBoard();
    const other = await openBoard();
    // Give both boards' streams a moment to subscribe is not needed: they follow from the cursor read before the list.
    const id = await placeOrder(4, 'Grace');
    await card(page, 'New', id).waitFor({ timeout: 10_000 });
    const text = await card(page, 'New', id).innerText();
    assert.match(text, /Table 4/, `the card names the table: ${text}`);
    assert.match(text, /no salt/, `the card says the adjustment in words: ${text}`);
    assert.match(text, /2 × fish/, `the card says the doubled fish: ${text}`);
    await card(other, 'New', id).waitFor({ timeout: 10_000 });

    const steps = [
      ['Accept', 'Accepted', 'accepted'],
      ['Start cooking', 'Cooking', 'preparing'],
      ['Mark ready', 'Ready to serve', 'ready'],
      ['Serve', 'Served', 'served'],
    ] as const;
    for (const [button, column, status] of steps) {
      await page.locator(`article[data-order-id="${id}"]`).getByRole('button', { name: button, exact: true }).click();
      await card(page, column, id).waitFor({ timeout: 10_000 });
      await eventually(`the order stored as ${status}`, async () => (await storedStatus(id)) === status);
      await card(other, column, id).waitFor({ timeout: 10_000 });
      assert.equal(await card(other, column, id).getAttribute('data-status'), status, `the second board shows ${status} live`);
    }
    await saveScreenshot(page, 'kitchen-desktop');
  });

  test('a card dragged to the next column is moved by the server', async () => {
    const page = await openBoard();
    const id = await placeOrder(5, 'Linus');
    await card(page, 'New', id).waitFor({ timeout: 10_000 });
    await card(page, 'New', id).dragTo(page.getByRole('region', { name: 'Accepted', exact: true }));
    await card(page, 'Accepted', id).waitFor({ timeout: 10_000 });
    await eventually('the dragged order stored as accepted', async () => (await storedStatus(id)) === 'accepted');
  });

  test('an invalid move shows the server refusal on the card and changes nothing', async () => {
    const page = await openBoard(phone);
    const id = await placeOrder(6, 'Barbara');
    const placed = card(page, 'New', id);
    await placed.waitFor({ timeout: 10_000 });
    await placed.getByLabel('Move to').selectOption({ label: 'Served' });
    await placed.getByRole('button', { name: 'Move', exact: true }).click();
    const alert = placed.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    const said = await alert.innerText();
    assert.match(said, /invalid_transition/, `the card shows the server's code: ${said}`);
    assert.equal(await storedStatus(id), 'placed', 'the refused move changed nothing');
    assert.equal(await placed.getAttribute('data-status'), 'placed', 'the card stays in New');
    await saveScreenshot(page, 'kitchen-phone');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= phone.width, `the board fits a phone without sideways scrolling (scrollWidth ${width})`);
    assert.deepEqual(r.outside, [], 'the page asked nothing of anyone but the node');
  });
  test('a board opened late reads every open order but only the latest finished ones, never the whole history', async () => {
    const kitchen = await r.node.staffKey('kitchen');
    const served: string[] = [];
    for (let index = 0; index < 12; index++) {
      const id = await placeOrder(40 + index, `Late ${index}`);
      for (const status of ['accepted', 'preparing', 'ready', 'served']) await r.node.request(`/orders/${id}/status`, { method: 'PUT', token: kitchen, json: { status } });
      served.push(id);
    }
    const open = await placeOrder(60, 'Still waiting');
    const { page } = await r.staff('kitchen', desktop);
    const listings: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/orders' && request.method() === 'GET') listings.push(url.search);
    });
    await page.goto(`${r.node.url}/#/kitchen`);
    await eventually('the open order on the late board', () => card(page, 'New', open).isVisible());
    await eventually('the newest served order on the late board', () => card(page, 'Served', served.at(-1) ?? '').isVisible());
    assert.ok(listings.length > 0, 'the board listed orders');
    assert.deepEqual(listings.filter((search) => !search.includes('status=')), [], `every listing names a status: ${listings.join(' ')}`);
    assert.ok(listings.filter((search) => search.includes('status=served')).every((search) => search.includes('limit=10')), `served orders are read ten at most: ${listings.join(' ')}`);
    assert.equal(await card(page, 'Served', served[0] ?? '').count(), 0, 'the oldest served order is not read at all');
  });
});
