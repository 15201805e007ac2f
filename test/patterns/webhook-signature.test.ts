/** Standard Webhooks signatures: the spec's known answer, and agreement with the reference `standardwebhooks` library both ways. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../src/core/ids.ts';
import { signPayload, verifyWebhook, webhookHeaders, WebhookVerificationError } from '../../src/patterns/webhooks/signature.ts';

// The known-answer vector of the spec and of every reference library's tests.
const spec = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const specNow = new Date(spec.timestamp * 1000);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function throwsVerification(run: () => unknown, reason: RegExp, message: string): void {
  assert.throws(run, (error: unknown) => error instanceof WebhookVerificationError && reason.test(error.message), message);
}

test('the spec vector signs to its known answer', () => {
  assert.equal(signPayload(spec.secret, spec.id, spec.timestamp, spec.body), spec.signature, 'the signature');
});

test('the spec vector verifies, at its own time', () => {
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': spec.signature };
  assert.deepEqual(verifyWebhook(spec.secret, headers, spec.body, { now: specNow }), { test: 2432232314 }, 'the parsed body');
});

test('a new secret is whsec_ and 32 random bytes, and two are never alike', () => {
  const [a, b] = [newWebhookSecret(), newWebhookSecret()];
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/, 'the form');
  assert.equal(Buffer.from(a.slice(6), 'base64').length, 32, 'the key length');
  assert.notEqual(a, b, 'two secrets');
});

test('our headers verify with the standardwebhooks library', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ specversion: '1.0', type: 'order.ready', id: '42', data: { order: 'ord_1' } });
  const headers = webhookHeaders([secret], 'evt_42', nowSeconds(), body);
  assert.equal(headers['content-type'], 'application/json', 'the content type');
  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body), 'the library accepts and parses it');
});

test('both signatures of a rotation verify with the library, each under its own secret', () => {
  const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
  const body = '{"a":1}';
  const headers = webhookHeaders([old, fresh], 'evt_1', nowSeconds(), body);
  assert.equal(headers['webhook-signature']?.split(' ').length, 2, 'two entries');
  assert.deepEqual(new Webhook(old).verify(body, headers), { a: 1 }, 'the old secret');
  assert.deepEqual(new Webhook(fresh).verify(body, headers), { a: 1 }, 'the new secret');
  assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headers), 'a third secret is refused');
});

test("the library's signature verifies with ours", () => {
  const secret = newWebhookSecret();
  const body = '{"hello":"world","n":[1,2,3]}';
  const at = new Date();
  const signature = new Webhook(secret).sign('msg_abc', at, body);
  const headers = { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
  assert.deepEqual(verifyWebhook(secret, headers, body), { hello: 'world', n: [1, 2, 3] }, 'ours accepts it');
});

test('a multi-signature header verifies when only the second entry matches', () => {
  const other = signPayload(newWebhookSecret(), spec.id, spec.timestamp, spec.body);
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': `v1a,c29tZXRoaW5n ${other} ${spec.signature}` };
  assert.deepEqual(verifyWebhook(spec.secret, headers, spec.body, { now: specNow }), { test: 2432232314 }, 'the matching entry is found');
});

test('header names are case-insensitive, in records and in Fetch Headers', () => {
  const upper = { 'Webhook-Id': spec.id, 'WEBHOOK-TIMESTAMP': String(spec.timestamp), 'Webhook-Signature': spec.signature };
  assert.deepEqual(verifyWebhook(spec.secret, upper, spec.body, { now: specNow }), { test: 2432232314 }, 'a record');
  assert.deepEqual(verifyWebhook(spec.secret, new Headers(upper), spec.body, { now: specNow }), { test: 2432232314 }, 'Headers');
  const repeated = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': ['v1,AAAA', spec.signature] };
  assert.deepEqual(verifyWebhook(spec.secret, repeated, spec.body, { now: specNow }), { test: 2432232314 }, 'a repeated header, as Node hands it over');
});

test('the wrong secret is refused', () => {
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': spec.signature };
  throwsVerification(() => verifyWebhook(newWebhookSecret(), headers, spec.body, { now: specNow }), /no matching signature/, 'another secret');
});

test('a tampered body, id or timestamp is refused', () => {
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': spec.signature };
  throwsVerification(() => verifyWebhook(spec.secret, headers, '{"test": 2432232315}', { now: specNow }), /no matching signature/, 'the body');
  throwsVerification(() => verifyWebhook(spec.secret, { ...headers, 'webhook-id': 'msg_other' }, spec.body, { now: specNow }), /no matching signature/, 'the id');
  throwsVerification(() => verifyWebhook(spec.secret, { ...headers, 'webhook-timestamp': String(spec.timestamp + 1) }, spec.body, { now: specNow }), /no matching signature/, 'the timestamp');
  throwsVerification(() => verifyWebhook(spec.secret, { ...headers, 'webhook-signature': `v2,${spec.signature.slice(3)}` }, spec.body, { now: specNow }), /no matching signature/, 'another version');
  throwsVerification(() => verifyWebhook(spec.secret, { ...headers, 'webhook-signature': `${spec.signature}!` }, spec.body, { now: specNow }), /no matching signature/, 'a signature with a stray character');
});

test('timestamps outside ±5 minutes are refused, inside are accepted', () => {
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': spec.signature };
  const at = (offsetSeconds: number): Date => new Date((spec.timestamp + offsetSeconds) * 1000);
  assert.ok(verifyWebhook(spec.secret, headers, spec.body, { now: at(300) }), 'exactly 5 minutes later');
  assert.ok(verifyWebhook(spec.secret, headers, spec.body, { now: at(-300) }), 'exactly 5 minutes earlier');
  throwsVerification(() => verifyWebhook(spec.secret, headers, spec.body, { now: at(301) }), /too old/, 'an old delivery');
  throwsVerification(() => verifyWebhook(spec.secret, headers, spec.body, { now: at(-301) }), /too new/, 'a delivery from the future');
  throwsVerification(() => verifyWebhook(spec.secret, headers, spec.body, { now: at(60), toleranceSeconds: 30 }), /too old/, 'a tighter tolerance');
  throwsVerification(() => verifyWebhook(spec.secret, headers, spec.body), /too old/, 'the vector is years old by the wall clock');
  throwsVerification(() => verifyWebhook(spec.secret, { ...headers, 'webhook-timestamp': '1614265330.5' }, spec.body, { now: specNow }), /not a number/, 'a fractional timestamp');
});

test('missing headers are refused, naming which', () => {
  const headers = { 'webhook-id': spec.id, 'webhook-timestamp': String(spec.timestamp), 'webhook-signature': spec.signature };
  for (const name of Object.keys(headers) as (keyof typeof headers)[]) {
    const { [name]: _gone, ...rest } = headers;
    throwsVerification(() => verifyWebhook(spec.secret, rest, spec.body, { now: specNow }), new RegExp(`missing header ${name}`), `without ${name}`);
    throwsVerification(() => verifyWebhook(spec.secret, { ...headers, [name]: '' }, spec.body, { now: specNow }), new RegExp(`missing header ${name}`), `with an empty ${name}`);
  }
  throwsVerification(() => verifyWebhook(spec.secret, {}, spec.body, { now: specNow }), /missing header webhook-id, webhook-timestamp, webhook-signature/, 'with none');
});

test('receivers import the helper from the package: bistro/webhooks', async () => {
  const exported = await import('bistro/webhooks');
  assert.equal(exported.verifyWebhook, verifyWebhook, 'the same helper the server uses');
  const secret = newWebhookSecret();
  const body = '{"type":"order.ready"}';
  const now = new Date();
  const headers = webhookHeaders([secret], 'evt_1', Math.floor(now.getTime() / 1000), body);
  assert.deepEqual(exported.verifyWebhook(secret, headers, body), { type: 'order.ready' }, 'verifies what Bistro signs');
});

test('the client’s verifier (no node:crypto, for browsers) agrees with the server’s signer on random secrets and bodies', () => {
  for (let round = 0; round < 50; round++) {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ round, text: 'fish & chips — ünïcode 🐟'.repeat(round % 5) });
    const id = `msg_${round}`;
    const timestamp = nowSeconds();
    assert.deepEqual(verifyWebhook(secret, webhookHeaders([secret], id, timestamp, body), body), JSON.parse(body), `round ${round} verifies`);
    const other = newWebhookSecret();
    throwsVerification(() => verifyWebhook(other, webhookHeaders([secret], id, timestamp, body), body), /no matching signature/, `round ${round}: another secret fails`);
  }
});

test('a secret that is not base64 is refused plainly', () => {
  assert.throws(() => verifyWebhook('whsec_!!!', { 'webhook-id': 'x', 'webhook-timestamp': String(nowSeconds()), 'webhook-signature': 'v1,abc' }, '{}'), TypeError, 'not a secret');
});
