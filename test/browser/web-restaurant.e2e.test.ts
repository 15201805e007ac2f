/**
 * The restaurant in a browser, the story of issue 12 across pages and people at once: a guest on a
 * phone orders fish and chips with no salt and two pieces of fish; the kitchen board moves each order
 * through every status while the guest's page shows each one live, once for every choice of the
 * pattern switcher; the waiter starts a conversation and the guest answers; the guest's demo bell
 * rings with a signed delivery the inspector shows with its attempt; an invalid move shows the
 * server's error. Nothing the pages ask for leaves the node, and each page is photographed at phone
 * and desktop width (test-artifacts/screenshots).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { desktop, eventually, openRestaurant, phone, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';

const patterns = ['Short polling', 'Long polling', 'Server-Sent Events', 'WebSocket', 'GraphQL subscription'] as const;
const path = ['accepted', 'preparing', 'ready', 'served'] as const;
const buttonFor = { accepted: 'Accept', preparing: 'Start cooking', ready: 'Mark ready', served: 'Serve' } as const;

interface StoredOrder {
  id: string;
  status: string;
  items: { menuItemId: string; adjustments: Record<string, number> }[];
}

/** The guest's fish and chips, set with the steppers: salt 1 → 0, fish 4 → 2, then placed; answers the new order's id. */
async function orderFishAndChips(guest: Page, r: Restaurant, token: string, known: Set<string>): Promise<string> {
  const dish = guest.getByRole('article').filter({ has: guest.getByRole('heading', { name: 'Fish and chips', exact: true }) });
  await dish.getByRole('button', { name: 'Less salt' }).click();
  await dish.getByRole('button', { name: 'Less fish' }).click();
  await dish.getByRole('button', { name: 'Less fish' }).click();
  assert.equal(await dish.getByRole('button', { name: 'Less salt' }).isDisabled(), true, 'salt stops at its minimum, none');
  await dish.getByRole('button', { name: /Add .*to order/ }).click();
  await guest.getByRole('button', { name: 'Place order' }).click();
  return eventually('the new order on the server', async () => {
    const orders = (await r.node.request('/orders', { token })).body.items as StoredOrder[];
    return orders.find((order) => !known.has(order.id))?.id;
  });
}

/** Buttons, inputs and selects a screen reader would announce without a name (label, aria-label or text). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('button, input, select, textarea')]
    .filter((control) => control.type !== 'hidden' && !(control.labels?.length) && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby') && !(control.tagName === 'BUTTON' && control.textContent.trim()))
    .map((control) => control.outerHTML.slice(0, 120))`);
}

async function statusShown(guest: Page): Promise<string | null> {
  return guest.getByRole('status', { name: 'Order status' }).getAttribute('data-status');
}

describe('the restaurant in a browser: guest, kitchen, waiter and the bell', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;
  before(async () => (r = await openRestaurant({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' })));
  after(() => r?.close());

  test('a guest orders, the kitchen cooks, the guest sees every status through every pattern; they talk; the bell rings; nothing leaves the node', async () => {
    const { page: guest } = await r.person(phone);
    const { page: kitchen } = await r.staff('admin', desktop);
    await guest.goto(`${r.node.url}/#/guest`);
    await guest.getByLabel('Your name').fill('Ada');
    await guest.getByLabel('Table number').fill('7');
    // From the keyboard: Enter in the last field submits the form.
    await guest.getByLabel('Table number').press('Enter');
    const token = await eventually('the guest session', () => guest.evaluate<string | undefined>("JSON.parse(localStorage.getItem('bistro.guest') ?? 'null')?.token"));
    await kitchen.goto(`${r.node.url}/#/kitchen`);

    const known = new Set<string>();
    for (const pattern of patterns) {
      await guest.getByRole('radio', { name: pattern, exact: true }).check();
      const id = await orderFishAndChips(guest, r, token, known);
      known.add(id);
      const stored = (await r.node.request(`/orders/${id}`, { token })).body as StoredOrder;
      assert.deepEqual(stored.items[0]?.adjustments, { salt: 0, fish: 2 }, `${pattern}: the server stored no salt and two pieces of fish`);
      await eventually(`${pattern}: the guest sees the order placed`, async () => (await statusShown(guest)) === 'placed');
      const card = kitchen.locator(`article[data-order-id="${id}"]`);
      await eventually(`${pattern}: the order reaches the kitchen board live`, () => card.isVisible());
      for (const status of path) {
        await card.getByRole('button', { name: buttonFor[status], exact: true }).click();
        await eventually(`${pattern}: the guest's page shows ${status} live`, async () => (await statusShown(guest)) === status);
        if (pattern === 'Server-Sent Events' && status === 'preparing') {
          // The README's pictures (docs/screenshots are copies): what a person sees without scrolling.
          await guest.evaluate('window.scrollTo(0, 0)');
          await saveScreenshot(guest, 'readme-guest-phone', { fullPage: false });
          await saveScreenshot(kitchen, 'readme-kitchen-desktop', { fullPage: false });
        }
      }
      const costs = guest.getByRole('definition');
      assert.ok((await costs.count()) >= 5, `${pattern}: the cost counters are shown`);
      const received = await guest.getByLabel('What this pattern costs').textContent();
      assert.match(received ?? '', /[1-9]/, `${pattern}: the counters moved: ${received}`);
    }

    // The waiter starts a conversation; the guest's page shows it at once and answers.
    const waiter = await kitchen.context().newPage();
    await waiter.goto(`${r.node.url}/#/waiter`);
    const last = [...known].at(-1) ?? '';
    const open = (await r.node.request('/orders', { token })).body.items as StoredOrder[];
    assert.ok(open.length === patterns.length, 'one order per pattern');
    const talkOrder = await orderFishAndChips(guest, r, token, known);
    known.add(talkOrder);
    await eventually('the open order in the waiter console', () => waiter.locator(`article[data-order-id="${talkOrder}"]`).isVisible());
    await waiter.locator(`article[data-order-id="${talkOrder}"]`).getByRole('button', { name: 'Talk to table 7' }).click();
    await waiter.getByLabel('Message').fill('Would you like some tartare sauce?');
    await waiter.getByRole('button', { name: 'Send' }).click();
    await eventually('the waiter’s first word on the guest’s page', async () => ((await guest.getByRole('log', { name: 'Conversation' }).textContent()) ?? '').includes('tartare sauce'));
    await guest.getByLabel('Message').fill('Yes please!');
    await guest.getByRole('button', { name: 'Send' }).click();
    await eventually('the guest’s answer in the waiter console', async () => ((await waiter.getByRole('log', { name: 'Conversation' }).textContent()) ?? '').includes('Yes please!'));
    await saveScreenshot(waiter, 'story-waiter-desktop');
    assert.ok(last, 'orders were placed');

    // An invalid move: a new order cannot jump to served; the kitchen sees the server's words.
    const card = kitchen.locator(`article[data-order-id="${talkOrder}"]`);
    await card.getByLabel('Move to').selectOption('served');
    await card.getByRole('button', { name: 'Move', exact: true }).click();
    const alert = card.getByRole('alert');
    await eventually('the server’s refusal on the card', () => alert.isVisible());
    assert.match((await alert.textContent()) ?? '', /invalid_transition/, 'the error names the catalogue code');
    assert.equal(((await r.node.request(`/orders/${talkOrder}`, { token })).body as StoredOrder).status, 'placed', 'the refused move changed nothing');

    // The bell: the guest's demo receiver in the inspector, a signed test delivery and its attempt.
    await guest.goto(`${r.node.url}/#/webhooks`);
    await guest.getByRole('button', { name: 'Use a demo bell in this page' }).click();
    const endpoint = guest.locator('article[data-endpoint-id]').first();
    await eventually('the demo bell’s endpoint', () => endpoint.isVisible());
    await endpoint.getByRole('button', { name: 'Send test' }).click();
    await eventually('a verified ring', async () => ((await guest.getByRole('log', { name: 'Bell' }).textContent()) ?? '').includes('signature verified'));
    // On a phone the deliveries table is laid out as labelled lines; the attempt's answer cell is the same.
    await eventually('the delivery and its attempt in the inspector', async () => (await endpoint.locator('.response-status').allTextContents()).some((status) => /^2\d\d$/.test(status.trim())));

    // Every page at both widths, for the README and for a person to look at.
    for (const [name, viewport] of [['phone', phone], ['desktop', desktop]] as const) {
      for (const page of ['guest', 'kitchen', 'waiter', 'webhooks', 'events'] as const) {
        const shot = page === 'guest' || page === 'webhooks' ? guest : kitchen;
        await shot.setViewportSize(viewport);
        await shot.goto(`${r.node.url}/#/${page}`);
        // Not 'networkidle': a page that follows the log never goes idle. Its heading, then a moment for live data.
        await shot.getByRole('heading').first().waitFor();
        await shot.waitForTimeout(700);
        await saveScreenshot(shot, `${page}-${name}`);
        assert.deepEqual(await unlabelledControls(shot), [], `${page} at ${name} width: every control has an accessible name`);
        assert.ok(await shot.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), `${page} at ${name} width: nothing wider than the screen`);
      }
    }
    assert.deepEqual(r.outside, [], 'no request left the node');
  });
});
