/**
 * Standard Webhooks signatures: signing what Bistro sends (node:crypto, the sender's hot path) and,
 * as `bistro/webhooks`, verifying it on the receiver's side with the client's verifier, which runs
 * in browsers too. test/patterns/webhook-signature.test.ts checks the two agree.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac } from 'node:crypto';

export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from '../../../client/verify-webhook.ts';

const secretPrefix = 'whsec_';

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
  // Buffer.from ignores what is not base64, so an empty key means the secret was not a secret at all.
  if (key.length === 0) throw new TypeError('a webhook secret is whsec_ followed by base64');
  return key;
}

function hmac(key: Buffer, id: string, timestampSeconds: number, body: string): Buffer {
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
