/** `bistro webhooks listen` rings for every type by default: its list is the server's, so a new event type cannot be left out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webhookEventTypes } from '../../src/domain/webhook.ts';
import { allWebhookTypes } from '../../src/cli/webhooks-listen.ts';

test('webhooks listen defaults to every type an endpoint may ring for', { timeout: 5_000 }, () => {
  assert.deepEqual([...allWebhookTypes].sort(), [...webhookEventTypes].sort(), 'the CLI’s default list is the domain’s');
});
