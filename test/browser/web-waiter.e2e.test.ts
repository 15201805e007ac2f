/**
 * The waiter console in Chromium against a real node: a guest's open order is listed, the waiter
 * opens its conversation and speaks first (the message is stored), the guest's reply over the API
 * appears live, and a guest message on an order whose conversation is closed marks it unread.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';
import { eventually, openRestaurant, phone, saveScreenshot, webUiSkipReason, type Restaurant } from '../helpers/web-ui.ts';

describe('the waiter console', { skip: webUiSkipReason() }, () => {
  let r: Restaurant;

  before(async () => {
    r = await openRestaurant();
  });
  after(async () => {
    await r?.close();
  });

  async function placeOrder(table: number, name: string): Promise<{ id: string; token: string }> {
    const guest = await r.node.guest(table, name);
    const placed = await r.node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
    assert.equal(placed.status, 201, `the guest's order is placed: ${placed.text}`);
    return { id: placed.body.id as string, token: guest.token };
  }

  for (const [viewport, shot] of [
    [undefined, 'waiter-desktop'],
    [phone, 'waiter-phone'],
  ] as const) {
    test(`the waiter starts a conversation and hears the guest live (${shot})`, async () => {
      const table = shot === 'waiter-desktop' ? 8 : 9;
      const order = await placeOrder(table, 'Margaret');
      const { page } = await r.staff('waiter', viewport);
      await page.goto(`${r.node.url}/#/waiter`);
      const article = page.locator(`article[data-order-id="${order.id}"]`);
      await article.waitFor({ timeout: 10_000 });
      assert.match(await article.innerText(), /New/, 'the order shows its status in words');

      await article.getByRole('button', { name: `Talk to table ${table}` }).click();
      const log = page.getByRole('log', { name: 'Conversation' });
      await log.waitFor();
      await page.getByRole('textbox', { name: 'Message' }).fill('Hello, anything to drink?');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await log.getByText('Hello, anything to drink?').waitFor({ timeout: 10_000 });
      const stored = await eventually('the waiter message stored', async () => {
        const answer = await r.node.request(`/orders/${order.id}/messages`, { token: r.node.adminToken });
        const items = answer.body.items as { from: string; text: string }[];
        return items.find((message) => message.text === 'Hello, anything to drink?');
      });
      assert.equal(stored.from, 'waiter', 'the message is stored as the waiter’s');

      const reply = await r.node.request(`/orders/${order.id}/messages`, { token: order.token, json: { text: 'A lemonade, please.' } });
      assert.equal(reply.status, 201, `the guest replies: ${reply.text}`);
      await log.getByText('A lemonade, please.').waitFor({ timeout: 10_000 });
      await saveScreenshot(page, shot);

      // A guest writing on an order whose conversation is not open marks it unread.
      const other = await placeOrder(table + 10, 'Katherine');
      const otherArticle = page.locator(`article[data-order-id="${other.id}"]`);
      await otherArticle.waitFor({ timeout: 10_000 });
      await r.node.request(`/orders/${other.id}/messages`, { token: other.token, json: { text: 'Excuse me?' } });
      await otherArticle.getByText('New message from the guest').waitFor({ timeout: 10_000 });
      await otherArticle.getByRole('button', { name: `Talk to table ${table + 10}` }).click();
      await log.getByText('Excuse me?').waitFor({ timeout: 10_000 });
      assert.equal(await otherArticle.getByText('New message from the guest').count(), 0, 'opening the conversation clears the unread marker');
      if (viewport === phone) {
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        assert.ok(width <= phone.width, `the console fits a phone without sideways scrolling (scrollWidth ${width})`);
      }
      assert.deepEqual(r.outside, [], 'the page asked nothing of anyone but the node');
    });
  }
});
