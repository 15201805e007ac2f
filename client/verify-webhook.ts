/**
 * Verifying a Standard Webhooks delivery on the receiver's side, in Node.js and in browsers alike:
 * HMAC-SHA256 from @noble/hashes (synchronous, no node:crypto), base64 with atob/btoa. The server
 * exports this same function as `bistro/webhooks` (src/patterns/webhooks/signature.ts signs).
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

const secretPrefix = 'whsec_';

/** The spec's recommended tolerance: ±5 minutes, enough for clock skew, short enough to bound replays. */
const defaultToleranceSeconds = 300;

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

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

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

/** The key bytes of a `whsec_…` secret; the server's signer reads secrets with it too. */
export function secretKey(secret: string): Uint8Array {
  const text = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  let binary = '';
  try {
    binary = atob(text);
  } catch {
    // left empty: refused below
  }
  if (binary.length === 0) throw new TypeError('a webhook secret is whsec_ followed by base64');
  const key = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) key[index] = binary.charCodeAt(index);
  return key;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The `v1` signature's text for one delivery: base64 of HMAC-SHA256 over `id.timestamp.body`. */
export function expectedSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return base64(hmac(sha256, secretKey(secret), utf8ToBytes(`${id}.${timestampSeconds}.${body}`)));
}

/** Compares in time that depends on the length only, never on where the texts first differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
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
  const expected = expectedSignature(secret, id, timestampSeconds, body);
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    // Other versions (v1a, asymmetric) are skipped, as the spec says, so they can ride alongside.
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    if (sameText(entry.slice(comma + 1), expected)) return JSON.parse(body);
  }
  throw new WebhookVerificationError('no matching signature');
}
