/**
 * The guest page in Chromium, phone-sized: sit down, order fish and chips with no salt and two fish
 * (the steppers stop at the ingredient's bounds), talk to the waiter, cancel, then follow a fresh
 * order through the kitchen once per push pattern, with the cost counters moving for each.
 * The kitchen and the waiter are other pages: the test plays them over the REST API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { desktop, eventually, openRestaurant, phone, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';

interface StoredOrder {
  id: string;
  status: string;
  createdAt: string;
  items: { menuItemId: string; adjustments: Record<string, number> }[];
}

const patternLabels = ['Short polling', 'Long polling', 'Server-Sent Events', 'WebSocket', 'GraphQL subscription'];
const polling = new Set(['Short polling', 'Long polling']);

describe('the guest page', { skip: webUiSkipReason() }, () => {
  let r: Restaurant | undefined;

  before(async () => {
    r = await openRestaurant();
  });
  after(async () => {
    await r?.close();
  });

  async function guestToken(page: Page): Promise<string> {
    // A string, as the tests' TypeScript has no DOM types.
    const stored = await page.evaluate<string | null>("localStorage.getItem('bistro.guest')");
    assert.ok(stored, 'sitting down stored the guest session');
    return (JSON.parse(stored) as { token: string }).token;
  }

  /** The guest's newest order as the server stored it. */
  async function newestOrder(restaurant: Restaurant, token: string): Promise<StoredOrder> {
    const listed = await restaurant.node.request('/orders', { token });
    assert.equal(listed.status, 200, listed.text);
    const orders = (listed.body as { items: StoredOrder[] }).items;
    const newest = [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))[0];
    assert.ok(newest, 'the guest has an order on the server');
    return newest;
  }

  const statusOf = (page: Page) => page.getByRole('status', { name: 'Order status' }).getAttribute('data-status');

  async function costs(page: Page): Promise<Record<string, number>> {
    return page.locator('dl[aria-label="What this pattern costs"]').evaluate((list) => {
      const found: Record<string, number> = {};
      for (const row of list.querySelectorAll('div')) found[row.querySelector('dt')?.textContent ?? ''] = Number(row.querySelector('dd')?.textContent);
      return found;
    });
  }

  async function placeDefaultFishAndChips(page: Page) {
    await page.getByRole('button', { name: 'Add Fish and chips to order' }).click();
    // A double click sends the basket's one idempotency key twice: the server places one order.
    await page.getByRole('button', { name: 'Place order' }).dblclick();
  }

  test('a guest on a phone orders, talks to the staff, cancels, and follows orders through every pattern', async () => {
    assert.ok(r, 'the restaurant opened');
    const restaurant = r;
    const kitchen = await restaurant.node.staffKey('kitchen');
    const waiter = await restaurant.node.staffKey('waiter');
    const { page } = await restaurant.person(phone);
    await page.goto(`${restaurant.node.url}/#/guest`);

    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel('Table number').fill('7');
    await page.getByRole('button', { name: 'Sit down' }).click();
    const dish = page.getByRole('article', { name: 'Fish and chips' });
    await dish.waitFor({ timeout: 10_000 });
    const token = await guestToken(page);

    // The steppers stop at each ingredient's bounds: salt 0..1, chips 1..2.
    await dish.getByRole('button', { name: 'Less salt' }).click();
    assert.equal(await dish.getByRole('button', { name: 'Less salt' }).isDisabled(), true, '"Less salt" is disabled at its min 0');
    assert.equal(await dish.locator('output[aria-label="salt portions"]').textContent(), '0', 'salt shows 0 portions');
    await dish.getByRole('button', { name: 'More chips' }).click();
    assert.equal(await dish.getByRole('button', { name: 'More chips' }).isDisabled(), true, '"More chips" is disabled at its max 2');
    await dish.getByRole('button', { name: 'Less chips' }).click();
    await dish.getByRole('button', { name: 'Less fish' }).click();
    await dish.getByRole('button', { name: 'Less fish' }).click();
    assert.equal(await dish.locator('output[aria-label="fish portions"]').textContent(), '2', 'fish shows 2 portions');
    await dish.getByRole('button', { name: 'Add Fish and chips to order' }).click();
    const basket = page.getByRole('region', { name: 'Your order' });
    assert.match((await basket.textContent()) ?? '', /no salt.*2 × fish|2 × fish.*no salt/, 'the basket says the adjustments in words');
    await page.getByRole('button', { name: 'Place order' }).click();
    await eventually('the placed order shows', async () => (await statusOf(page)) === 'placed');

    const first = await newestOrder(restaurant, token);
    assert.deepEqual(first.items[0]?.adjustments, { salt: 0, fish: 2 }, 'the server stored only the changed portions: no salt, two fish');

    // The waiter speaks first; the guest answers over the chat.
    const conversation = page.getByRole('log', { name: 'Conversation' });
    await eventually('the chat is ready', () => page.getByRole('button', { name: 'Send' }).isVisible());
    const posted = await restaurant.node.request(`/orders/${first.id}/messages`, { token: waiter, json: { text: 'Any drinks with that?' } });
    assert.equal(posted.status, 201, posted.text);
    await eventually('the waiter’s message shows in the conversation', async () => ((await conversation.textContent()) ?? '').includes('Any drinks with that?'));
    await page.getByLabel('Message').fill('Water, please.');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually('the guest’s reply reaches the server', async () => {
      const messages = await restaurant.node.request(`/orders/${first.id}/messages`, { token: waiter });
      return (messages.body as { items: { from: string; text: string }[] }).items.some((message) => message.from === 'guest' && message.text === 'Water, please.');
    });
    await eventually('the reply shows in the conversation too', async () => ((await conversation.textContent()) ?? '').includes('Water, please.'));
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'nothing is wider than a 360 px phone');
    await saveScreenshot(page, 'guest-phone');

    await page.getByRole('button', { name: 'Cancel order' }).click();
    await eventually('the cancelled order shows', async () => (await statusOf(page)) === 'cancelled');
    const cancelled = await restaurant.node.request(`/orders/${first.id}`, { token });
    assert.equal((cancelled.body as StoredOrder).status, 'cancelled', 'the server cancelled the order');

    let previousId = first.id;
    for (const label of patternLabels) {
      await page.getByRole('radio', { name: label, exact: true }).check();
      // A new pattern counts from zero (the last order is finished, so nothing is watched yet).
      await eventually(`${label}: the counters start from zero`, async () => {
        const now = await costs(page);
        return now['Requests'] === 0 && now['Bytes received'] === 0;
      });
      await placeDefaultFishAndChips(page);
      const order = await eventually(`a fresh order under ${label}`, async () => {
        const newest = await newestOrder(restaurant, token);
        return newest.id !== previousId && (await statusOf(page)) === 'placed' ? newest : undefined;
      });
      previousId = order.id;
      for (const status of ['accepted', 'preparing', 'ready', 'served']) {
        const moved = await restaurant.node.request(`/orders/${order.id}/status`, { method: 'PUT', token: kitchen, json: { status } });
        assert.equal(moved.status, 200, `${label}, ${status}: ${moved.text}`);
        await eventually(`${label}: the page shows ${status}`, async () => (await statusOf(page)) === status);
      }
      const counted = await eventually(`${label}: the counters moved`, async () => {
        const now = await costs(page);
        return (now['Bytes received'] ?? 0) > 0 && (now['Answers with news'] ?? 0) > 0 ? now : undefined;
      });
      assert.ok((counted['Bytes received'] ?? 0) > 0, `${label} received bytes`);
      if (polling.has(label)) assert.ok((counted['Requests'] ?? 0) > 1, `${label} counted its requests: ${JSON.stringify(counted)}`);
    }

    const all = await restaurant.node.request('/orders', { token });
    assert.equal((all.body as { items: StoredOrder[] }).items.length, 1 + patternLabels.length, 'one order per basket, double clicks included');

    // The choice is remembered across a reload.
    await page.reload();
    await page.getByRole('radio', { name: 'GraphQL subscription', exact: true }).waitFor();
    assert.equal(await page.getByRole('radio', { name: 'GraphQL subscription', exact: true }).isChecked(), true, 'the last pattern is remembered');
    assert.equal(await statusOf(page), 'served', 'after a reload the newest order is the current one');

    await page.setViewportSize(desktop);
    await saveScreenshot(page, 'guest-desktop');

    await page.getByRole('button', { name: 'Leave table' }).click();
    await page.getByRole('button', { name: 'Sit down' }).waitFor();
    assert.deepEqual(restaurant.outside, [], 'nothing was requested outside the node');
  });
});
