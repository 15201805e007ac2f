/** The GraphQL column of the contract: every catalogue operation has a root field, and arguments translate faithfully. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphQLEnumType } from 'graphql';
import { BistroError } from '../../src/domain/errors.ts';
import { operations } from '../../src/operations/index.ts';
import { operationFieldTable, operationFields } from '../../src/patterns/graphql/operation-fields.ts';
import { createGraphqlSchema } from '../../src/patterns/graphql/schema.ts';

const schema = createGraphqlSchema();

function rootField(path: string) {
  const [typeName, fieldName] = path.split('.') as [string, string];
  const root = typeName === 'Query' ? schema.getQueryType() : typeName === 'Mutation' ? schema.getMutationType() : undefined;
  return root?.getFields()[fieldName];
}

test('every catalogue operation has a GraphQL field, and that field exists in the schema', () => {
  for (const operation of operations) {
    const field = operationFields[operation.name];
    assert.ok(field, `${operation.name} has no entry in operationFieldTable: add its GraphQL field`);
    assert.ok(rootField(field), `${operation.name} maps to ${field}, which the schema lacks`);
    // Reads are queries and changes are mutations, as GraphQL clients expect (GET may only run queries).
    assert.equal(field.startsWith('Query.'), operation.kind === 'query', `${operation.name} is a ${operation.kind} but maps to ${field}`);
  }
  const known = new Set(operations.map((operation) => operation.name));
  for (const name of Object.keys(operationFields)) assert.ok(known.has(name), `${name} is mapped but not in the catalogue`);
});

test('every root field serves exactly one operation: nothing in the schema bypasses the catalogue', () => {
  const served = Object.values(operationFields);
  assert.equal(new Set(served).size, served.length, 'two operations map to one field');
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const name of Object.keys(root?.getFields() ?? {})) assert.ok(served.includes(`${root?.name}.${name}`), `${root?.name}.${name} serves no operation`);
  }
});

test('the DESIGN.md §5 names: placeOrder, setOrderStatus, order(id: ID!), events(after, types)', () => {
  assert.equal(operationFields['orders.place'], 'Mutation.placeOrder');
  assert.equal(String(rootField('Mutation.placeOrder')?.args[0]?.type), 'PlaceOrderInput!');
  assert.equal(String(rootField('Query.order')?.args[0]?.type), 'ID!');
  assert.deepEqual(rootField('Query.events')?.args.map((argument) => `${argument.name}: ${String(argument.type)}`), ['after: String', 'types: [String!]', 'limit: Int']);
  assert.equal(String(rootField('Mutation.setOrderStatus')?.args[1]?.type), 'OrderStatus!');
});

test('placeOrder arguments become the operation input: adjustments list → map, nulls dropped', () => {
  const input = operationFieldTable['orders.place']?.input({
    input: {
      items: [{ menuItemId: 'fish-and-chips', quantity: 1, note: null, adjustments: [{ ingredient: 'salt', portions: 0 }, { ingredient: 'fish', portions: 2 }] }],
      idempotencyKey: null,
    },
  });
  assert.deepEqual(input, { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
});

test('an ingredient adjusted twice cannot become a map, and is refused with its JSON Pointer', () => {
  const twice = () =>
    operationFieldTable['orders.update']?.input({ id: 'ord_1', items: [{ menuItemId: 'x', adjustments: [{ ingredient: 'a/b', portions: 0 }, { ingredient: 'a/b', portions: 1 }] }] });
  assert.throws(twice, (error: unknown) => error instanceof BistroError && error.code === 'validation_failed' && error.fieldErrors[0]?.path === '/items/0/adjustments/a~1b');
  const proto = operationFieldTable['orders.place']?.input({ input: { items: [{ menuItemId: 'x', adjustments: [{ ingredient: '__proto__', portions: 1 }] }] } });
  assert.deepEqual(Object.keys((proto?.['items'] as { adjustments: object }[])[0]?.adjustments ?? {}), ['__proto__']);
});

test('enums travel in capitals and reach operations in lower case', () => {
  assert.deepEqual(operationFieldTable['orders.setStatus']?.input({ id: 'ord_1', status: 'PREPARING', expectedVersion: null }), { id: 'ord_1', status: 'preparing' });
  assert.deepEqual(operationFieldTable['keys.create']?.input({ role: 'KITCHEN', name: 'pass' }), { role: 'kitchen', name: 'pass' });
  assert.deepEqual(operationFieldTable['menu.list']?.input({ category: null }), {});
  assert.deepEqual(operationFieldTable['menu.list']?.output?.({ items: [1, 2], nextCursor: null }), [1, 2]);
});

test('the GraphQL enums hold exactly the domain values, in capitals', async () => {
  const { orderStatuses } = await import('../../src/domain/order.ts');
  const { categories } = await import('../../src/domain/menu.ts');
  const { staffRoles } = await import('../../src/domain/roles.ts');
  const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name);
  assert.deepEqual(values('OrderStatus'), orderStatuses.map((status) => status.toUpperCase()));
  assert.deepEqual(values('Category'), categories.map((category) => category.toUpperCase()));
  assert.deepEqual(values('StaffRole'), staffRoles.map((role) => role.toUpperCase()));
  assert.deepEqual(values('MessageAuthor'), ['GUEST', 'WAITER', 'KITCHEN']);
});
