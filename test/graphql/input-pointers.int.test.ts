/** Input GraphQL's own schema refuses carries the same field pointers REST and JSON-RPC give: in variables, in literals, before anything runs. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphql, refused } from './graphql-steps.ts';

let node: TestNode;
let guest: { id: string; token: string };
before(async () => {
  node = await startTestNode();
  guest = await node.guest(5, 'Pointer');
});
after(() => node.close());

const place = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';

/** The `{ pointer, detail }` list of the one error a refused request answers. */
async function pointers(query: string, variables?: Record<string, unknown>, token = guest.token): Promise<string[]> {
  const response = await refused(node, query, undefined, { token, ...(variables ? { variables } : {}) });
  assert.equal(response.body.errors.length, 1, `one error per field, holding every problem: ${response.text}`);
  const [error] = response.body.errors;
  for (const item of error.extensions.errors) assert.equal(typeof item.detail, 'string', `every pointer says what is wrong: ${response.text}`);
  return error.extensions.errors.map((item: { pointer: string }) => item.pointer);
}

test('variables: unknown fields, missing fields, bad enums and wrong types point into the operation input', async () => {
  const fish = { menuItemId: 'fish-and-chips' };
  assert.deepEqual(await pointers(place, { input: { items: [{ ...fish, colour: 'red' }] } }), ['/items/0/colour'], 'an unknown field in an item');
  assert.deepEqual(await pointers(place, { input: {} }), ['/items'], 'a missing required field');
  assert.deepEqual(await pointers(place, { input: { items: [fish], tip: 100 } }), ['/tip'], 'an unknown field beside items');
  assert.deepEqual(await pointers(place, { input: { items: [{ ...fish, quantity: 'two' }] } }), ['/items/0/quantity'], 'a string for an Int');
  assert.deepEqual(await pointers(place, { input: { items: [{ menuItemId: null }] } }), ['/items/0/menuItemId'], 'null for an ID!');
  assert.deepEqual(await pointers('mutation($id: ID!, $s: OrderStatus!) { setOrderStatus(id: $id, status: $s) { id } }', { id: 'ord_1', s: 'EATEN' }, node.adminToken), ['/status'], 'a bad enum value');
  assert.deepEqual(await pointers('query($id: ID!) { order(id: $id) { id } }', {}), ['/id'], 'a required variable not given');
});

test('variables: the message names the variable, and several problems in one field are one error, as REST answers them', async () => {
  const response = await refused(node, place, undefined, { token: guest.token, variables: { input: { items: [{ menuItemId: 'fish-and-chips', quantity: 'two', colour: 'red' }], tip: 1 } } });
  assert.match(response.body.errors[0].message, /\$input/, 'the message names the variable');
  assert.deepEqual(response.body.errors[0].extensions.errors.map((error: { pointer: string }) => error.pointer).sort(), ['/items/0/colour', '/items/0/quantity', '/tip'], 'every problem of the field');
});

test('an adjustment entry is pointed at by its ingredient, as the map the core and REST see it', async () => {
  const adjustments = [{ ingredient: 'salt', portions: 0 }, { ingredient: 'fish', portions: 'two' }];
  assert.deepEqual(await pointers(place, { input: { items: [{ menuItemId: 'fish-and-chips', adjustments }] } }), ['/items/0/adjustments/fish'], 'a variable entry');
  const literal = 'mutation { placeOrder(input: { items: [{ menuItemId: "fish-and-chips", adjustments: [{ ingredient: "fish", portions: "two" }] }] }) { id } }';
  assert.deepEqual(await pointers(literal), ['/items/0/adjustments/fish'], 'a literal entry');
  const rest = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'fish-and-chips', adjustments: { fish: 'two' } }] } });
  assert.deepEqual(rest.body.errors.map((error: { pointer: string }) => error.pointer), ['/items/0/adjustments/fish'], 'REST points at the same place');
});

test('literals: wrong types, unknown and missing arguments, bad enums and unknown input fields point into the input', async () => {
  assert.deepEqual(await pointers('mutation { placeOrder(input: { items: [{ menuItemId: "fish-and-chips", quantity: "two" }] }) { id } }'), ['/items/0/quantity'], 'a string for an Int');
  assert.deepEqual(await pointers('mutation { placeOrder(input: { items: [{ menuItemId: "fish-and-chips" }], tip: 1 }) { id } }'), ['/tip'], 'an unknown input field');
  assert.deepEqual(await pointers('mutation { placeOrder(input: { }) { id } }'), ['/items'], 'a missing input field');
  assert.deepEqual(await pointers('{ order(id: "ord_1", colour: "red") { id } }'), ['/colour'], 'an unknown argument');
  assert.deepEqual(await pointers('{ order { id } }'), ['/id'], 'a missing argument');
  assert.deepEqual(await pointers('{ orders(status: LOST) { items { id } } }'), ['/status'], 'an enum value that does not exist');
  assert.deepEqual(await pointers('mutation { setOrderStatus(id: "ord_1", status: "READY") { id } }', undefined, node.adminToken), ['/status'], 'a string where an enum belongs');
  assert.deepEqual(await pointers('{ orders(limit: 1) { items { messages(limit: "ten") { id } } } }'), ['/limit'], 'an edge argument, into messages.list');
});

test('the pointer error is the catalogue error: validation_failed with RFC 9457 pointers, and nothing changed', async () => {
  const before = (await node.request('/orders', { token: guest.token })).body.items.length;
  const response = await refused(node, place, undefined, { token: guest.token, variables: { input: { items: [{ menuItemId: 'fish-and-chips', quantity: 0.5 }] } } });
  const [error] = response.body.errors;
  assert.equal(error.extensions.code, 'validation_failed', 'the catalogue code');
  assert.match(error.extensions.errors[0].detail, /Int/, `the detail says what was wanted: ${response.text}`);
  assert.deepEqual(error.locations, [{ line: 1, column: 38 }], 'located at the field');
  assert.equal((await node.request('/orders', { token: guest.token })).body.items.length, before, 'no order was placed');
});

test('what is not about arguments keeps graphql-js\'s own error: unknown fields, directive arguments, bad variable positions', async () => {
  const unknownField = await refused(node, '{ menu { colour } }');
  assert.equal(unknownField.body.errors[0].extensions.errors, undefined, 'an unknown output field has no input pointer');
  assert.match(unknownField.body.errors[0].message, /colour/, unknownField.text);
  const directive = await refused(node, '{ menu { name @include(if: "yes") } }');
  assert.match(directive.body.errors[0].message, /Boolean/, directive.text);
  const position = await refused(node, 'query($s: String) { orders(status: $s) { items { id } } }', undefined, { token: guest.token });
  assert.match(position.body.errors[0].message, /\$s/, position.text);
});

test('a request whose arguments are fine still runs, and the core\'s own pointers still arrive as field errors', async () => {
  const response = await graphql(node, place, { token: guest.token, variables: { input: { items: [{ menuItemId: 'fish-and-chips', quantity: 0 }] } } });
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body.data, { placeOrder: null }, 'the field ran and failed');
  assert.deepEqual(response.body.errors[0].extensions.errors.map((error: { pointer: string }) => error.pointer), ['/items/0/quantity'], 'the core\'s pointer');
});
