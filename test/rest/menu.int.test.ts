/** REST menu: anyone reads it (GET /menu, GET /menu/{id}); only an admin adds, replaces and removes items. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, currentCursor, readAllEvents } from './steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const pie = {
  id: 'apple-pie',
  name: 'Apple pie',
  description: 'Warm, with custard.',
  category: 'desserts',
  priceCents: 650,
  available: true,
  ingredients: [{ name: 'custard', portions: 1, min: 0, max: 2 }],
};

test('anyone reads the seeded menu, fish and chips with its adjustable ingredients', async () => {
  const response = await node.request('/menu');

  assert.equal(response.status, 200);
  assert.equal(response.body.nextCursor, null);
  const fish = response.body.items.find((item: { id: string }) => item.id === 'fish-and-chips');
  assert.deepEqual(fish.ingredients, [
    { name: 'fish', portions: 4, min: 1, max: 6 },
    { name: 'chips', portions: 1, min: 1, max: 2 },
    { name: 'salt', portions: 1, min: 0, max: 1 },
  ]);
  assert.equal(fish.category, 'mains');
  assert.equal(fish.version, 1);
});

test('the menu filters by category, and an unknown category is refused', async () => {
  const drinks = await node.request('/menu?category=drinks');
  assert.equal(drinks.status, 200);
  assert.ok(drinks.body.items.length > 0);
  assert.ok(drinks.body.items.every((item: { category: string }) => item.category === 'drinks'));

  assertProblem(await node.request('/menu?category=snacks'), 400, 'validation_failed', '/category');
});

test('one menu item is read by its id; an unknown id is 404', async () => {
  const response = await node.request('/menu/fish-and-chips');
  assert.equal(response.status, 200);
  assert.equal(response.body.name, 'Fish and chips');
  assert.equal(response.body.priceCents, 1450);

  assertProblem(await node.request('/menu/lobster-thermidor'), 404, 'not_found');
});

test('an admin adds, replaces and removes a menu item, and the log tells each step', async () => {
  const before = await currentCursor(node);

  const created = await node.request('/menu', { token: node.adminToken, json: pie });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.headers.get('location'), '/menu/apple-pie');
  assert.ok(created.headers.get('etag'));
  assert.equal(created.body.version, 1);
  assert.deepEqual((await node.request('/menu/apple-pie')).body, created.body);

  const { id: _id, ...fields } = pie;
  const replaced = await node.request('/menu/apple-pie', { method: 'PUT', token: node.adminToken, json: { ...fields, priceCents: 700 } });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.priceCents, 700);
  assert.equal(replaced.body.version, 2);

  const removed = await node.request('/menu/apple-pie', { method: 'DELETE', token: node.adminToken });
  assert.equal(removed.status, 204);
  assert.equal(removed.text, '');
  assertProblem(await node.request('/menu/apple-pie'), 404, 'not_found');

  const events = await readAllEvents(node, undefined, { after: before });
  assert.deepEqual(
    events.map((event) => [event.type, event.subject]),
    [
      ['menu.item.created', 'menu/apple-pie'],
      ['menu.item.updated', 'menu/apple-pie'],
      ['menu.item.deleted', 'menu/apple-pie'],
    ],
  );
  assert.equal(events[1].data.priceCents, 700);
});

test('a menu item id is taken once', async () => {
  const again = await node.request('/menu', { token: node.adminToken, json: { ...pie, id: 'fish-and-chips' } });
  assertProblem(again, 409, 'already_exists');
  assert.equal((await node.request('/menu/fish-and-chips')).body.name, 'Fish and chips');
});

test('five admins creating the same item at once: one 201, four already_exists, one created event', async () => {
  const answers = await Promise.all(Array.from({ length: 5 }, () => node.request('/menu', { token: node.adminToken, json: { ...pie, id: 'race-pie' } })));
  assert.deepEqual(answers.map(({ status }) => status).sort(), [201, 409, 409, 409, 409], 'exactly one creator wins, the others are told it exists');
  for (const answer of answers.filter(({ status }) => status === 409)) assertProblem(answer, 409, 'already_exists');
  const created = (await readAllEvents(node, undefined, { after: '0' })).filter((event) => event.type === 'menu.item.created' && event.subject === 'menu/race-pie');
  assert.equal(created.length, 1, 'one menu.item.created event');
});

test('impossible ingredients are refused with a pointer, and nothing is stored', async () => {
  const outOfBounds = { ...pie, id: 'bad-pie', ingredients: [{ name: 'custard', portions: 3, min: 0, max: 2 }] };
  assertProblem(await node.request('/menu', { token: node.adminToken, json: outOfBounds }), 400, 'validation_failed', '/ingredients/0/portions');

  const twice = { ...pie, id: 'bad-pie', ingredients: [pie.ingredients[0], pie.ingredients[0]] };
  assertProblem(await node.request('/menu', { token: node.adminToken, json: twice }), 400, 'validation_failed', '/ingredients/1/name');

  const badSlug = { ...pie, id: 'Bad Pie' };
  assertProblem(await node.request('/menu', { token: node.adminToken, json: badSlug }), 400, 'validation_failed', '/id');

  assertProblem(await node.request('/menu/bad-pie'), 404, 'not_found');
});

test('the path carries the id: a different id in a PUT body is refused', async () => {
  const { id: _id, ...fields } = pie;
  const response = await node.request('/menu/fish-and-chips', { method: 'PUT', token: node.adminToken, json: { ...fields, id: 'lemonade' } });
  assertProblem(response, 400, 'validation_failed', '/id');
});

test('replacing or removing a menu item that does not exist is 404', async () => {
  const { id: _id, ...fields } = pie;
  assertProblem(await node.request('/menu/no-such-dish', { method: 'PUT', token: node.adminToken, json: fields }), 404, 'not_found');
  assertProblem(await node.request('/menu/no-such-dish', { method: 'DELETE', token: node.adminToken }), 404, 'not_found');
});

test('only an admin changes the menu: guests and other staff are forbidden, strangers unauthorised', async () => {
  const guest = await node.guest();
  const waiter = await node.staffKey('waiter');
  const { id: _id, ...fields } = pie;

  assertProblem(await node.request('/menu', { token: guest.token, json: pie }), 403, 'forbidden');
  assertProblem(await node.request('/menu/fish-and-chips', { method: 'PUT', token: waiter, json: fields }), 403, 'forbidden');
  assertProblem(await node.request('/menu/fish-and-chips', { method: 'DELETE' }), 401, 'unauthorized');

  assert.equal((await node.request('/menu/fish-and-chips')).body.version, 1);
  assertProblem(await node.request('/menu/apple-pie'), 404, 'not_found');
});

test('a client can PUT back what it sent or read: an id equal to the path and the read-only fields are accepted', async () => {
  const draft = { id: 'iced-tea', name: 'Iced tea', description: 'Lemon.', category: 'drinks', priceCents: 300, available: true, ingredients: [] };
  const created = await node.request('/menu', { token: node.adminToken, json: draft });
  assert.equal(created.status, 201, created.text);

  const sentBack = await node.request('/menu/iced-tea', { method: 'PUT', token: node.adminToken, json: { ...draft, priceCents: 320 } });
  assert.equal(sentBack.status, 200, `the body it sent, with a new price: ${sentBack.text}`);
  assert.equal(sentBack.body.priceCents, 320, 'the change is made');

  const readBack = await node.request('/menu/iced-tea', { method: 'PUT', token: node.adminToken, json: { ...sentBack.body, priceCents: 340, version: 99, updatedAt: '2000-01-01T00:00:00.000Z' } });
  assert.equal(readBack.status, 200, `the body it read, with a new price: ${readBack.text}`);
  assert.equal(readBack.body.version, 3, 'version and updatedAt in the body are ignored, not obeyed');
  assert.notEqual(readBack.body.updatedAt, '2000-01-01T00:00:00.000Z', 'the server sets updatedAt');

  const otherId = await node.request('/menu/iced-tea', { method: 'PUT', token: node.adminToken, json: { ...draft, id: 'lemonade' } });
  assertProblem(otherId, 400, 'validation_failed', '/id');
  const unknown = await node.request('/menu/iced-tea', { method: 'PUT', token: node.adminToken, json: { ...draft, colour: 'amber' } });
  assertProblem(unknown, 400, 'validation_failed', '/colour');
  assert.equal((await node.request('/menu/iced-tea')).body.priceCents, 340, 'refused bodies changed nothing');
});
