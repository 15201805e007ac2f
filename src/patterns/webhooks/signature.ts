/**
 * Standard Webhooks signatures: signing what Bistro sends and verifying it on the receiver's side.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const secretPrefix = 'whsec_';

/** The spec's recommended tolerance: ±5 minutes, enough for clock skew, short enough to bound replays. */
const defaultToleranceSeconds = 300;

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

/** A delivery that must not be trusted; the message says which check failed. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

export interface VerifyOptions {
  /** @default the wall clock */
  now?: Date;
  /** @default 300 s — the spec's ±5 minutes */
  toleranceSeconds?: number;
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(bag)) {
    if (key.toLowerCase() !== name) continue;
    const value = bag[key];
    // Node joins repeated headers into arrays; signatures are space-separated, so joining keeps every entry.
    return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

/**
 * Checks a delivery the way a receiver should and returns its parsed JSON body.
 * Throws WebhookVerificationError when a header is missing, the timestamp is outside the
 * tolerance, or no `v1` signature matches; a body that is not JSON throws a SyntaxError.
 */
export function verifyWebhook(secret: string, headers: HeaderBag, body: string, options: VerifyOptions = {}): unknown {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const missing = [['webhook-id', id], ['webhook-timestamp', timestamp], ['webhook-signature', signatures]].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0 || id === undefined || timestamp === undefined || signatures === undefined) throw new WebhookVerificationError(`missing header ${missing.join(', ')}`);
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError(`webhook-timestamp is not a number of seconds: ${timestamp.slice(0, 32)}`);
  const timestampSeconds = Number(timestamp);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  if (nowSeconds - timestampSeconds > tolerance) throw new WebhookVerificationError(`timestamp too old: ${nowSeconds - timestampSeconds} s ago, the tolerance is ${tolerance} s`);
  if (timestampSeconds - nowSeconds > tolerance) throw new WebhookVerificationError(`timestamp too new: ${timestampSeconds - nowSeconds} s ahead, the tolerance is ${tolerance} s`);
  // Compared as text, not decoded bytes: base64 decoding skips stray characters, the text match does not.
  const expected = Buffer.from(hmac(secretKey(secret), id, timestampSeconds, body).toString('base64'));
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    // Other versions (v1a, asymmetric) are skipped, as the spec says, so they can ride alongside.
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return JSON.parse(body);
  }
  throw new WebhookVerificationError('no matching signature');
}
