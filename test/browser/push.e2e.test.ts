/**
 * The push patterns from a real browser, the clients they are made for: the page's own
 * `EventSource` and `WebSocket`, with the token in the query string (a browser cannot set headers
 * on either), from the same origin the allow-list admits by default.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { placeOrder } from '../rest/steps.ts';

const skip = browserSkipReason();

describe('push patterns in a real browser', { skip }, () => {
  let node: TestNode | undefined;
  let browser: Browser | undefined;

  before(async () => {
    node = await startTestNode();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  test("a guest's page hears its order change over EventSource and its WebSocket, token in the URL", async () => {
    assert.ok(node && browser, 'the node and the browser started');
    const guest = await node.guest(5, 'Browser');
    const order = await placeOrder(node, guest.token);
    const waiter = await node.staffKey('waiter');
    const page = await browser.newPage();
    await page.goto(`${node.url}/docs`);

    const heard = page.evaluate(
      async ({ token, orderId, origin }) => {
        const flags = globalThis as unknown as { socketOpen?: boolean };
        const overSse = new Promise<string>((resolve, reject) => {
          const source = new EventSource(`/events/stream?after=0&token=${encodeURIComponent(token)}`);
          source.onmessage = (message) => {
            const event = JSON.parse(message.data as string) as { type: string; subject: string };
            if (event.subject === `orders/${orderId}` && event.type === 'order.accepted') {
              source.close();
              resolve(event.type);
            }
          };
          source.onerror = () => reject(new Error('EventSource failed'));
        });
        const overSocket = new Promise<string>((resolve, reject) => {
          const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`);
          socket.onmessage = (message) => {
            const rpc = JSON.parse(message.data as string) as { method?: string; params?: { orderId: string; text: string } };
            if (rpc.method === 'message' && rpc.params?.orderId === orderId) {
              socket.close();
              resolve(rpc.params.text);
            }
          };
          socket.onopen = () => (flags.socketOpen = true);
          socket.onerror = () => reject(new Error('WebSocket refused'));
        });
        return Promise.all([overSse, overSocket]);
      },
      { token: guest.token, orderId: order.id as string, origin: node.url },
    );
    await page.waitForFunction(() => (globalThis as unknown as { socketOpen?: boolean }).socketOpen === true, undefined, { timeout: 10_000 });
    const moved = await node.request(`/orders/${order.id}/status`, { method: 'PUT', token: waiter, json: { status: 'accepted' } });
    assert.equal(moved.status, 200, moved.text);
    const posted = await node.request(`/orders/${order.id}/messages`, { token: waiter, json: { text: 'Your fish is frying.' } });
    assert.equal(posted.status, 201, posted.text);
    assert.deepEqual(await heard, ['order.accepted', 'Your fish is frying.'], 'the stream saw the status change; the socket got the waiter’s message unasked');
    await page.close();
  });
});
