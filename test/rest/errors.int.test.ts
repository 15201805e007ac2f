/** REST errors and limits: problem+json with code and per-field errors; 413, 415, malformed JSON, unknown fields; nothing stored. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, readAllEvents } from './steps.ts';

const bodyLimitBytes = 1024;
let node: TestNode;
let guest: { id: string; token: string };
before(async () => {
  node = await startTestNode({ BISTRO_BODY_LIMIT_BYTES: String(bodyLimitBytes) });
  guest = await node.guest();
});
after(() => node.close());

/** After each refusal: the guest still has no order and the log has no order event. */
async function assertNothingStored(): Promise<void> {
  assert.deepEqual((await node.request('/orders', { token: guest.token })).body.items, []);
  const events = await readAllEvents(node, node.adminToken);
  assert.deepEqual(
    events.filter((event) => event.type.startsWith('order.')),
    [],
  );
}

test('a validation error is RFC 9457 problem+json with a catalogue code and a pointer per field', async () => {
  const response = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 0, adjustments: { fish: 'two' } }] } });

  assertProblem(response, 400, 'validation_failed');
  assert.equal(response.body.type, 'urn:bistro:problem:validation_failed');
  assert.equal(response.body.title, errorCatalogue.validation_failed.title);
  assert.equal(response.body.instance, '/orders');
  assert.deepEqual(
    response.body.errors.map((error: { pointer: string }) => error.pointer).sort(),
    ['/items/0/adjustments/fish', '/items/0/quantity'],
  );
  for (const error of response.body.errors) assert.ok(error.detail.length > 0);
  await assertNothingStored();
});

test('unknown fields are refused by name, and nothing is stored', async () => {
  const response = await node.request('/orders', {
    token: guest.token,
    json: { items: [fishAndChipsNoSaltTwoFish], status: 'served', totalCents: 1, guestId: 'gst_someone_else' },
  });

  assertProblem(response, 400, 'validation_failed');
  assert.deepEqual(
    response.body.errors.map((error: { pointer: string; detail: string }) => [error.pointer, error.detail]),
    [
      ['/status', 'is not a known field'],
      ['/totalCents', 'is not a known field'],
      ['/guestId', 'is not a known field'],
    ],
  );
  await assertNothingStored();
});

test('a body over BISTRO_BODY_LIMIT_BYTES is 413, and nothing is stored', async () => {
  const note = 'x'.repeat(bodyLimitBytes);
  const response = await node.request('/orders', { token: guest.token, json: { items: [{ ...fishAndChipsNoSaltTwoFish, note }] } });
  assertProblem(response, 413, 'payload_too_large');
  await assertNothingStored();
});

test('a body that is not JSON is 415 unsupported_media_type', async () => {
  for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
    const response = await node.request('/orders', { token: guest.token, method: 'POST', body: '{"items":[]}', headers: { 'content-type': contentType } });
    assertProblem(response, 415, 'unsupported_media_type');
    assert.match(response.body.detail, /application\/json/);
  }
  await assertNothingStored();
});

test('broken JSON is 400 malformed_json', async () => {
  for (const body of ['{"items":', '{items: []}', "{'items': []}"]) {
    const response = await node.request('/orders', { token: guest.token, body, headers: { 'content-type': 'application/json' } });
    assertProblem(response, 400, 'malformed_json');
  }
  await assertNothingStored();
});

test('a JSON body that is not an object is refused at the root', async () => {
  for (const json of [[fishAndChipsNoSaltTwoFish], 'fish', 42]) {
    const response = await node.request('/orders', { token: guest.token, json });
    assertProblem(response, 400, 'validation_failed', '');
  }
  await assertNothingStored();
});

test('a value that belongs in the path or a header is refused in the body', async () => {
  const response = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish], idempotencyKey: 'sneaky' } });
  assertProblem(response, 400, 'validation_failed', '/idempotencyKey');
  await assertNothingStored();
});

test('a path nobody serves is a 404 problem too', async () => {
  assertProblem(await node.request('/kitchen/secrets'), 404, 'not_found');
});

test('every error answer names a code from the catalogue', async () => {
  const answers = [
    await node.request('/orders'),
    await node.request('/orders', { token: 'nope' }),
    await node.request('/menu/nothing-here'),
    await node.request('/events?after=x'),
  ];
  for (const answer of answers) assert.ok(answer.body.code in errorCatalogue, answer.text);
});

test('a method a resource lacks answers 405 naming the methods it has', async () => {
  const response = await node.request('/menu', { method: 'PATCH', token: node.adminToken, json: { name: 'x' } });
  assert.equal(response.status, 405);
  assert.equal(response.body.code, 'method_not_allowed');
  assert.equal(response.headers.get('allow'), 'GET, POST, HEAD');
  const status = await node.request('/orders/ord_x/status', { method: 'GET', token: node.adminToken });
  assert.equal(status.status, 405);
  assert.equal(status.headers.get('allow'), 'PUT');
});
