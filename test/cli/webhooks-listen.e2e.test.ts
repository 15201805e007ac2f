/** `bistro webhooks listen` as a child process: registers itself, verifies and prints deliveries, refuses forgeries, deletes its endpoint on Ctrl-C. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { jsonLines, runCli, startCli } from './cli-process.ts';

const timeout = 90_000;

describe('bistro webhooks listen', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
  });
  after(() => node.close());

  it('prints verified deliveries (a test ping and a real order event), answers 400 to a forgery, and deletes the endpoint on SIGINT', { timeout }, async () => {
    const guest = await node.guest();
    const cli = startCli(['webhooks', 'listen', '--json', '--types', 'order.placed,order.ready'], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: guest.token } });
    try {
      const listening = JSON.parse(await cli.waitForLine((line) => line.includes('"kind":"listening"')));
      const { endpoint, url } = listening;
      assert.match(endpoint.id, /^whe_/, 'the endpoint it registered');
      assert.match(endpoint.secret, /^whsec_/, 'its secret, shown once');
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'the local receiver');
      assert.deepEqual(endpoint.types, ['order.placed', 'order.ready'], 'the types asked for');

      const ping = await node.request(`/webhooks/${endpoint.id}/test`, { method: 'POST', token: guest.token });
      assert.equal(ping.status, 202, `the test ping is queued: ${ping.text}`);
      const pinged = JSON.parse(await cli.waitForLine((line) => line.includes('"kind":"delivery"') && line.includes('"type":"webhook.test"')));
      assert.equal(pinged.verified, true, 'the ping verified with the secret');
      assert.equal(pinged.event.data.endpointId, endpoint.id, 'the ping names the endpoint');

      const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
      assert.equal(placed.status, 201, `an order is placed: ${placed.text}`);
      const delivered = JSON.parse(await cli.waitForLine((line) => line.includes('"kind":"delivery"') && line.includes('"type":"order.placed"')));
      assert.equal(delivered.verified, true, 'the real event verified');
      assert.equal(delivered.event.subject, `orders/${placed.body.id}`, 'it is the order just placed');
      assert.equal(delivered.webhookId, delivered.event.id, 'webhook-id is the event id');

      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl' },
        body: JSON.stringify({ type: 'order.ready' }),
      });
      assert.equal(forged.status, 400, 'a forgery is answered 400');
      const refused = JSON.parse(await cli.waitForLine((line) => line.includes('"kind":"refused"')));
      assert.equal(refused.webhookId, 'evt_forged', 'the refusal names the delivery');
      assert.match(refused.reason, /no matching signature/, 'and says why');

      const result = await cli.stop('SIGINT');
      assert.equal(result.code, 0, `Ctrl-C exits 0; stderr: ${result.stderr}`);
      for (const line of jsonLines(result)) assert.ok(['listening', 'delivery', 'refused'].includes(line.kind), `every stdout line is a JSON object of a known kind: ${JSON.stringify(line)}`);
      const gone = await node.request(`/webhooks/${endpoint.id}`, { token: node.adminToken });
      assert.equal(gone.status, 404, `the endpoint is deleted: ${gone.text}`);
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  it('human output: a ready line with the secret and one line per verified delivery', { timeout }, async () => {
    const guest = await node.guest();
    const cli = startCli(['webhooks', 'listen'], { env: { BISTRO_URL: node.url, BISTRO_TOKEN: guest.token } });
    try {
      const ready = await cli.waitForLine((line) => line.startsWith('Ready: endpoint '));
      const endpointId = /endpoint (whe_\S+)/.exec(ready)?.[1];
      assert.ok(endpointId, `the endpoint id is printed: ${ready}`);
      assert.ok(cli.lines().some((line) => /^Signing secret \(shown once\): whsec_/.test(line)), 'the secret is printed once');
      await node.request(`/webhooks/${endpointId}/test`, { method: 'POST', token: guest.token });
      const line = await cli.waitForLine((text) => text.includes('webhook.test'));
      assert.match(line, /^✓ verified {2}#\S* {2}\d\d:\d\d:\d\d {2}webhook\.test {2}webhooks\/whe_\S+ {2}A test ping/, `one line per delivery: ${line}`);
      const result = await cli.stop('SIGTERM');
      assert.equal(result.code, 0, `SIGTERM exits 0 too; stderr: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`Deleted endpoint ${endpointId}`), 'says the endpoint is gone');
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  it('a node that refuses private targets: the server error and the setting to change, exit 1', { timeout }, async () => {
    const strict = await startTestNode();
    try {
      const guest = await strict.guest();
      const result = await runCli(['webhooks', 'listen'], { env: { BISTRO_URL: strict.url, BISTRO_TOKEN: guest.token } });
      assert.equal(result.code, 1, `exit 1; stderr: ${result.stderr}`);
      assert.match(result.stderr, /^bistro: validation_failed: the node refused the receiver's URL: .*BISTRO_WEBHOOK_ALLOW_PRIVATE=1/, 'names the setting');
      const list = await strict.request('/webhooks', { token: strict.adminToken });
      assert.equal(list.body.items.length, 0, 'no endpoint is left behind');
    } finally {
      await strict.close();
    }
  });
});
