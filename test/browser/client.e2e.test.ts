/**
 * The client's browser bundle (esbuild, as test/client/browser-bundle.test.ts builds it) running in
 * Chromium: a page of the node's own origin loads it, calls operations through REST, JSON-RPC and
 * GraphQL, gets a typed error, verifies a delivery the server signed, and follows the log through
 * each push pattern with the browser's own fetch streams and WebSocket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { newWebhookSecret } from '../../src/core/ids.ts';
import { webhookHeaders } from '../../src/patterns/webhooks/signature.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { bundleClient } from '../helpers/client-bundle.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const skip = browserSkipReason();

describe('bistro/client in a real browser', { skip }, () => {
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

  test('the bundle places an order through each request pattern and verifies a signed delivery', { timeout: 60_000 }, async () => {
    assert.ok(node && browser, 'the node and the browser started');
    const bundle = await bundleClient();
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(node!.url)) outside.push(request.url());
    });
    await page.goto(`${node.url}/docs`);
    await page.addScriptTag({ content: bundle.code });

    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'order.ready', data: { id: 'ord_1' } });
    const signed = webhookHeaders([secret], 'evt_1', Math.floor(Date.now() / 1000), body);

    const seen = await page.evaluate(
      async ({ secret, signed, body, origin }) => {
        type Client = { call(name: string, input?: unknown, options?: unknown): Promise<any>; withToken(token: string): Client }; // eslint-disable-line @typescript-eslint/no-explicit-any -- the page sees the bundle untyped
        const bistro = (globalThis as unknown as { Bistro: { createClient(options: unknown): Client; verifyWebhook(...args: unknown[]): unknown; BistroClientError: new () => Error } }).Bistro;
        const client = bistro.createClient({ url: origin });
        const { token } = await client.call('guests.register', { table: 3, name: 'Browser' });
        const guest = client.withToken(token);
        const item = { menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } };
        const placed = [];
        for (const via of ['rest', 'rpc', 'graphql']) placed.push(await guest.call('orders.place', { items: [item] }, { via, idempotencyKey: `browser-${via}` }));
        let error: { name: string; code: string; status: number; pointers: string[] } | undefined;
        try {
          await guest.call('orders.place', { items: [{ ...item, quantity: 0 }] }, { via: 'graphql' });
        } catch (caught) {
          const typed = caught as { name: string; code: string; status: number; fields: { pointer: string }[] };
          error = { name: typed.name, code: typed.code, status: typed.status, pointers: typed.fields.map(({ pointer }) => pointer) };
        }
        const verified = bistro.verifyWebhook(secret, signed, body);
        // Each push pattern through the page's own fetch streams and WebSocket: the three orders' events, in log order.
        const followed: Record<string, string[]> = {};
        for (const via of ['poll', 'long-poll', 'sse', 'ws', 'graphql-ws']) {
          const seen: string[] = [];
          for await (const event of (guest as unknown as { follow(options: unknown): AsyncIterable<{ type: string; sequence: string }> }).follow({ after: '0', types: ['order.placed'], via })) {
            seen.push(event.sequence);
            if (seen.length === 3) break;
          }
          followed[via] = seen;
        }
        return { followed, placed: placed.map((order: { status: string; items: { adjustments: unknown }[] }) => [order.status, order.items[0]?.adjustments]), error, verified };
      },
      { secret, signed, body, origin: node.url },
    );
    assert.deepEqual(
      seen.placed,
      [
        ['placed', { salt: 0, fish: 2 }],
        ['placed', { salt: 0, fish: 2 }],
        ['placed', { salt: 0, fish: 2 }],
      ],
      'the same order placed through REST, JSON-RPC and GraphQL, adjustments as a map each time',
    );
    assert.deepEqual(seen.error, { name: 'BistroClientError', code: 'validation_failed', status: 400, pointers: ['/items/0/quantity'] }, 'a typed error in the page');
    assert.deepEqual(seen.verified, JSON.parse(body), 'the page verifies what the server signed');
    const logged = (await node.request('/events?after=0&types=order.placed', { token: node.adminToken })).body.items.map((event: { sequence: string }) => event.sequence);
    for (const [via, sequences] of Object.entries(seen.followed)) assert.deepEqual(sequences, logged, `follow via ${via} in the browser yields the three orders' events in log order`);
    assert.deepEqual(outside, [], 'no request left the node');
  });
});
