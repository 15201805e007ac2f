/**
 * The webhook inspector in Chromium against a real node: a seated guest uses the demo bell, sends a
 * test and sees the ring verified in the page and the attempt in the deliveries table; an order the
 * kitchen moves to ready (over the API) rings the bell too; rotation shows a new secret once; a bad
 * URL shows the server's own refusal. Without BISTRO_WEBHOOK_ALLOW_PRIVATE the bell says how to turn it on.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { desktop, eventually, openRestaurant, phone, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';

/** Seats `name` at `table` in this browser profile, as the guest page would leave it. */
async function seat(r: Restaurant, context: BrowserContext, table: number, name: string): Promise<string> {
  const guest = await r.node.guest(table, name);
  const session = JSON.stringify({ token: guest.token, guestId: guest.id, name, table });
  await context.addInitScript({ content: `localStorage.setItem('bistro.guest', ${JSON.stringify(session)})` });
  return guest.token;
}

describe('the webhook inspector with the demo bell on', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;
  before(async () => {
    r = await openRestaurant({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
  });
  after(() => r?.close());

  test('a seated guest rings a demo bell, sees it verified and every attempt, rotates, and reads the server’s refusals', async () => {
    const { context, page } = await r.person(desktop);
    const token = await seat(r, context, 4, 'Grace');
    await page.goto(`${r.node.url}/#/webhooks`);
    await page.getByRole('heading', { name: 'Webhook inspector' }).waitFor();
    assert.ok(await page.getByText('Acting as Grace at table 4').isVisible(), 'the page says who is acting');

    await page.getByRole('button', { name: 'Use a demo bell in this page' }).click();
    const endpoint = page.locator('article[data-endpoint-id]');
    await endpoint.waitFor();
    assert.match((await endpoint.getByRole('heading').textContent()) ?? '', /\/demo\/bells\/bell_/, "the endpoint points at the node's demo bell");

    await endpoint.getByRole('button', { name: 'Send test' }).click();
    const bell = page.getByRole('log', { name: 'Bell' });
    await eventually('the test ping rings the bell, verified', async () => (await bell.textContent())?.includes('webhook.test') && (await bell.textContent())?.includes('signature verified'));
    const deliveries = endpoint.getByRole('table', { name: 'Deliveries' });
    const attempt = await eventually('the attempt shows in the deliveries table', async () => {
      const row = deliveries.locator('tbody tr').first();
      const status = (await row.locator('.response-status').textContent()) ?? '';
      return /^2\d\d$/.test(status.trim()) ? { status, latency: (await row.locator('.latency').textContent()) ?? '', text: (await row.textContent()) ?? '' } : undefined;
    });
    assert.match(attempt.latency, /^\d+ ms$/, 'the attempt shows its latency');
    assert.match(attempt.text, /#1/, 'and its number');
    assert.match(attempt.text, /Delivered/, 'the delivery is delivered, in words');

    // The kitchen moves the guest's order to ready over the API: the bell rings for each step, order.ready among them.
    const placed = await r.node.request('/orders', { token, json: { items: [fishAndChipsNoSaltTwoFish] } });
    assert.equal(placed.status, 201, `the order is placed: ${placed.text}`);
    const kitchen = await r.node.staffKey('kitchen');
    for (const status of ['accepted', 'preparing', 'ready']) {
      const moved = await r.node.request(`/orders/${placed.body.id}/status`, { method: 'PUT', token: kitchen, json: { status } });
      assert.equal(moved.status, 200, `${status}: ${moved.text}`);
    }
    await eventually('order.ready rings the bell', async () => (await bell.locator('li', { hasText: 'order.ready' }).count()) === 1);
    const rings = await bell.locator('li').count();
    assert.equal(await bell.getByText('signature verified', { exact: true }).count(), rings, 'every ring is verified with the secret');
    assert.equal(await bell.getByText('signature NOT verified').count(), 0, 'none fails verification');

    await endpoint.getByRole('button', { name: 'Rotate secret' }).click();
    const secret = endpoint.getByLabel('New secret');
    await secret.waitFor();
    assert.match((await secret.textContent()) ?? '', /^whsec_[A-Za-z0-9+/=]{20,}$/, 'the rotated secret is shown once');

    await page.getByLabel('Receiver URL').fill('not a url');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const refusal = page.locator('form.add-endpoint').getByRole('alert');
    await refusal.waitFor();
    const refused = (await refusal.textContent()) ?? '';
    assert.match(refused, /\/url/, `the server's error points at the URL: ${refused}`);
    assert.match(refused, /validation_failed/, `with its code: ${refused}`);
    assert.equal(await page.locator('article[data-endpoint-id]').count(), 1, 'nothing was added');

    await saveScreenshot(page, 'webhooks-desktop');

    const small = await r.person(phone);
    await seat(r, small.context, 5, 'Hopper');
    await small.page.goto(`${r.node.url}/#/webhooks`);
    await small.page.getByRole('button', { name: 'Use a demo bell in this page' }).click();
    const smallEndpoint = small.page.locator('article[data-endpoint-id]');
    await smallEndpoint.waitFor();
    await smallEndpoint.getByRole('button', { name: 'Send test' }).click();
    await eventually('the phone sees its ring verified', async () => (await small.page.getByRole('log', { name: 'Bell' }).getByText('signature verified', { exact: true }).count()) === 1);
    const overflow = await small.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `nothing spills sideways at 360 px (${overflow} px)`);
    await saveScreenshot(small.page, 'webhooks-phone');

    assert.deepEqual(r.outside, [], 'the page asked nothing of any other host');
  });

  test('an admin sees every endpoint, pauses and resumes one, and deletes one after confirming inline', async () => {
    const guest = await r.node.guest(8, 'Turing');
    const created = await r.node.request('/webhooks', { token: guest.token, json: { url: 'http://127.0.0.1:9/turing', types: ['order.ready'], description: "Turing's bell" } });
    assert.equal(created.status, 201, created.text);
    const { page } = await r.staff('admin');
    await page.goto(`${r.node.url}/#/webhooks`);
    const card = page.locator(`article[data-endpoint-id="${created.body.id}"]`);
    await card.waitFor();
    assert.ok(await page.getByText(/Acting as .*\(admin\)/).isVisible(), 'the admin acts as themselves');

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal((await r.node.request(`/webhooks/${created.body.id}`, { token: guest.token })).body.enabled, false, 'paused on the server');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('button', { name: 'Pause' }).waitFor();
    assert.equal((await r.node.request(`/webhooks/${created.body.id}`, { token: guest.token })).body.enabled, true, 'resumed on the server');

    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByRole('button', { name: 'Keep it' }).click();
    assert.ok(await card.isVisible(), '"Keep it" keeps it');
    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByRole('button', { name: 'Yes, delete' }).click();
    await eventually('the card goes', async () => (await card.count()) === 0);
    assert.equal((await r.node.request(`/webhooks/${created.body.id}`, { token: guest.token })).status, 404, 'deleted on the server');
    assert.deepEqual(r.outside, [], 'the page asked nothing of any other host');
  });
});

describe('the webhook inspector with the demo bell off', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;
  before(async () => {
    r = await openRestaurant();
  });
  after(() => r?.close());

  test('a visitor is told how to act; a seated guest is told how to turn the bell on', async () => {
    const { context, page } = await r.person(phone);
    await page.goto(`${r.node.url}/#/webhooks`);
    await page.getByRole('link', { name: 'Sit down on the Guest page' }).waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Staff sign in' }).isVisible(), 'or sign in as admin');

    await seat(r, context, 6, 'Lovelace');
    await page.reload();
    await page.getByRole('button', { name: 'Use a demo bell in this page' }).click();
    const alert = page.locator('.demo-bell').getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /BISTRO_WEBHOOK_ALLOW_PRIVATE=1/, "the server's message says how to turn the bell on");
    assert.equal(await page.locator('article[data-endpoint-id]').count(), 0, 'no endpoint was made for a bell that does not exist');
    assert.deepEqual(r.outside, [], 'the page asked nothing of any other host');
  });
});
