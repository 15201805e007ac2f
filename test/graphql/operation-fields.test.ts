/** The GraphQL column of the contract: every catalogue operation has a root field, and arguments translate faithfully. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, type GraphQLEnumType } from 'graphql';
import { BistroError } from '../../src/domain/errors.ts';
import { operations } from '../../src/operations/index.ts';
import { rootFieldPath, type RootFieldExtension } from '../../src/patterns/graphql/operation-fields.ts';
import { createGraphqlSchema } from '../../src/patterns/graphql/schema.ts';

const schema = createGraphqlSchema(operations);

function rootField(path: string) {
  const [typeName, fieldName] = path.split('.') as [string, string];
  const root = typeName === 'Query' ? schema.getQueryType() : typeName === 'Mutation' ? schema.getMutationType() : undefined;
  return root?.getFields()[fieldName];
}

/** Runs a document against the schema with a context that records what each operation was called with. */
async function called(source: string, answer: unknown = { id: 'ord_1' }) {
  const calls: { operation: string; input: Record<string, unknown> }[] = [];
  const call = async (operation: string, input: Record<string, unknown>) => {
    calls.push({ operation, input });
    return answer;
  };
  const executed = await graphql({ schema, source, contextValue: { call } });
  // graphql-js answers null-prototype objects; plain ones compare with deepEqual.
  const result = { errors: executed.errors, data: JSON.parse(JSON.stringify(executed.data ?? null)) as unknown };
  return { calls, result };
}

test('every catalogue operation has a GraphQL root field of its own, declared by its binding', () => {
  for (const operation of operations) {
    assert.ok(operation.graphql, `${operation.name} has no graphql binding: add one beside its rest binding`);
    const path = rootFieldPath(operation);
    const field = rootField(path);
    assert.ok(field, `${operation.name} maps to ${path}, which the schema lacks`);
    // Reads are queries and changes are mutations, as GraphQL clients expect (GET may only run queries).
    assert.equal(path.startsWith('Query.'), operation.kind === 'query', `${operation.name} is a ${operation.kind} but maps to ${path}`);
    assert.equal((field.extensions as RootFieldExtension).operation, operation.name, `${path} says which operation it serves`);
  }
});

test('every root field serves exactly one operation: nothing in the schema bypasses the catalogue', () => {
  const served: string[] = operations.map(rootFieldPath);
  assert.equal(new Set(served).size, served.length, 'two operations map to one field');
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const name of Object.keys(root?.getFields() ?? {})) assert.ok(served.includes(`${root?.name}.${name}`), `${root?.name}.${name} serves no operation`);
  }
});

test('the DESIGN.md §5 names: placeOrder, setOrderStatus, order(id: ID!), events(after, types)', () => {
  assert.equal(rootFieldPath(operations.find((operation) => operation.name === 'orders.place')!), 'Mutation.placeOrder', 'orders.place is placeOrder');
  assert.equal(String(rootField('Mutation.placeOrder')?.args[0]?.type), 'PlaceOrderInput!', 'placeOrder takes one input');
  assert.equal(String(rootField('Mutation.createMenuItem')?.args[0]?.type), 'MenuItemInput!', 'createMenuItem takes one input');
  assert.equal(String(rootField('Query.order')?.args[0]?.type), 'ID!', 'ids are ID!');
  assert.deepEqual(rootField('Query.events')?.args.map((argument) => `${argument.name}: ${String(argument.type)}`), ['after: String', 'types: [String!]', 'limit: Int'], 'events arguments');
  assert.equal(String(rootField('Mutation.setOrderStatus')?.args[1]?.type), 'OrderStatus!', 'statuses are the OrderStatus enum');
  assert.equal(String(rootField('Query.menu')?.type), '[MenuItem!]', 'menu is a list, not a page');
});

test('placeOrder arguments become the operation input: adjustments list → map, nulls dropped', async () => {
  const { calls, result } = await called(
    'mutation { placeOrder(input: { idempotencyKey: null, items: [{ menuItemId: "fish-and-chips", note: null, adjustments: [{ ingredient: "salt", portions: 0 }, { ingredient: "fish", portions: 2 }] }] }) { id } }',
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.deepEqual(calls, [{ operation: 'orders.place', input: { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] } }], 'the input the core sees');
});

test('an ingredient adjusted twice cannot become a map, and is refused with its JSON Pointer', async () => {
  const { calls, result } = await called('mutation { updateOrder(id: "ord_1", items: [{ menuItemId: "x", adjustments: [{ ingredient: "a/b", portions: 0 }, { ingredient: "a/b", portions: 1 }] }]) { id } }');
  const error = result.errors?.[0]?.originalError;
  assert.ok(error instanceof BistroError && error.code === 'validation_failed', `a validation error: ${String(error)}`);
  assert.equal(error.fieldErrors[0]?.path, '/items/0/adjustments/a~1b', 'the pointer escapes the ingredient name');
  assert.equal(calls.length, 0, 'the operation was never called');
  const proto = await called('mutation { placeOrder(input: { items: [{ menuItemId: "x", adjustments: [{ ingredient: "__proto__", portions: 1 }] }] }) { id } }');
  const adjustments = (proto.calls[0]?.input['items'] as { adjustments: object }[])[0]?.adjustments ?? {};
  assert.deepEqual(Object.keys(adjustments), ['__proto__'], '"__proto__" stays a key');
});

test('enums travel in capitals and reach operations in lower case; a page can answer as a list', async () => {
  const moved = await called('mutation { setOrderStatus(id: "ord_1", status: PREPARING, expectedVersion: null) { id } }');
  assert.deepEqual(moved.calls[0]?.input, { id: 'ord_1', status: 'preparing' }, 'setOrderStatus input');
  const key = await called('mutation { createKey(role: KITCHEN, name: "pass") { role } }', { id: 'key_1', role: 'kitchen', name: 'pass', token: 't' });
  assert.deepEqual(key.calls[0]?.input, { role: 'kitchen', name: 'pass' }, 'createKey input');
  assert.deepEqual(key.result.data, { createKey: { role: 'KITCHEN' } }, 'the answer is in capitals');
  const menu = await called('{ menu(category: null) { id } }', { items: [{ id: 'a' }, { id: 'b' }], nextCursor: null });
  assert.deepEqual(menu.calls[0]?.input, {}, 'a null argument is left out');
  assert.deepEqual(menu.result.data, { menu: [{ id: 'a' }, { id: 'b' }] }, 'menu answers the page items');
  const deleted = await called('mutation { deleteMenuItem(id: "lemonade") }', null);
  assert.deepEqual(deleted.result.data, { deleteMenuItem: true }, 'an operation answering nothing answers true');
});

test('the GraphQL enums hold exactly the domain values, in capitals', async () => {
  const { orderStatuses } = await import('../../src/domain/order.ts');
  const { categories } = await import('../../src/domain/menu.ts');
  const { staffRoles } = await import('../../src/domain/roles.ts');
  const { messageAuthors } = await import('../../src/domain/message.ts');
  const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name);
  assert.deepEqual(values('OrderStatus'), orderStatuses.map((status) => status.toUpperCase()), 'OrderStatus');
  assert.deepEqual(values('Category'), categories.map((category) => category.toUpperCase()), 'Category');
  assert.deepEqual(values('StaffRole'), staffRoles.map((role) => role.toUpperCase()), 'StaffRole');
  assert.deepEqual(values('MessageAuthor'), messageAuthors.map((author) => author.toUpperCase()), 'MessageAuthor');
  assert.deepEqual(values('MessageAuthor'), ['GUEST', 'WAITER', 'KITCHEN', 'ADMIN'], 'MessageAuthor names the admin too');
});
