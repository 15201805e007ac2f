/**
 * Standard Webhooks signatures: signing what Bistro sends (node:crypto, the sender's hot path) and,
 * as `bistro/webhooks`, verifying it on the receiver's side with the client's verifier, which runs
 * in browsers too. Both read a secret with the same `secretKey`; test/patterns/webhook-signature.test.ts
 * checks the two agree.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac } from 'node:crypto';
import { secretKey } from '../../../client/verify-webhook.ts';

export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from '../../../client/verify-webhook.ts';

function hmac(key: Uint8Array, id: string, timestampSeconds: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest();
}

/** One `v1,<base64 HMAC-SHA256 of id.timestamp.body>` signature entry. */
export function signPayload(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${hmac(secretKey(secret), id, timestampSeconds, body).toString('base64')}`;
}

/** The headers of one delivery: one signature per secret, so a receiver holding either secret accepts it during a rotation. */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signPayload(secret, id, timestampSeconds, body)).join(' '),
    'content-type': 'application/json',
  };
}
