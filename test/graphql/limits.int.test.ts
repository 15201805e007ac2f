/**
 * Limits against abusive GraphQL documents, on by default and configurable, with regression
 * tests for the known bypasses: fragments named like introspection, depth hidden in fragments,
 * aliases spread through fragments, obfuscated introspection and circular fragments.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { data, graphql, refused } from './graphql-steps.ts';

let node: TestNode;
let shallow: TestNode;
let closed: TestNode;
let staff: string;
before(async () => {
  [node, shallow, closed] = await Promise.all([
    startTestNode(),
    startTestNode({ BISTRO_GRAPHQL_MAX_DEPTH: '4' }),
    startTestNode({ BISTRO_GRAPHQL_INTROSPECTION: '0' }),
  ]);
  staff = await shallow.staffKey('waiter');
});
after(() => Promise.all([node.close(), shallow.close(), closed.close()]));

/** Six levels: orders → items → items → menuItem → ingredients → name. */
const sixDeep = '{ orders { items { items { menuItem { ingredients { name } } } } } }';

test('depth: a document deeper than the limit is refused before it is validated, at the default of 10', async () => {
  const eleven = `{ ${'a { '.repeat(10)}b${' }'.repeat(10)} }`;
  const response = await refused(node, eleven, 'depth');
  assert.equal(response.body.errors[0].extensions.max, 10);
  assert.equal(response.body.errors[0].extensions.actual, 11);
  await data(node, sixDeep, { token: node.adminToken });
});

test('depth is configurable: with BISTRO_GRAPHQL_MAX_DEPTH=4, four levels run and six are refused', async () => {
  await data(shallow, '{ orders { items { items { name } } } }', { token: staff });
  await refused(shallow, sixDeep, 'depth', { token: staff });
});

test('depth hidden in nested fragments and inline fragments is still counted', async () => {
  const nested = `{ orders { ...Page } }
    fragment Page on OrderPage { items { ...OrderParts } }
    fragment OrderParts on Order { ... on Order { items { ...Line } } }
    fragment Line on OrderItem { menuItem { ingredients { name } } }`;
  await refused(shallow, nested, 'depth', { token: staff });
});

test('regression: a fragment named __schema, or an alias named __schema, does not escape the depth limit', async () => {
  const fragmentNamed = `{ ...__schema } fragment __schema on Query ${sixDeep}`;
  await refused(shallow, fragmentNamed, 'depth', { token: staff });
  await refused(shallow, '{ __schema: orders { items { items { menuItem { ingredients { name } } } } } }', 'depth', { token: staff });
  await refused(shallow, '{ __type: orders { items { items { menuItem { ingredients { name } } } } } }', 'depth', { token: staff });
});

test('regression: introspection is exempt from the depth limit but has its own, 20 levels (ofType chains compiled slowly)', async () => {
  const chain = (levels: number) => `{ __type(name: "Order") { ${'ofType { '.repeat(levels - 2)}name${' }'.repeat(levels - 2)} } }`;
  await data(node, chain(20));
  const response = await refused(node, chain(300), 'depth');
  assert.match(response.text, /The introspection is 300 levels deep; at most 20/);
  await refused(node, `{ ...F } fragment F on Query { __schema { types { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`, 'depth');
});

test('regression: circular fragments are refused with a validation error instead of hanging', async () => {
  for (const query of [
    '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
    '{ orders { ...Loop } } fragment Loop on OrderPage { items { id } ...Loop }',
    '{ menu { ...Self } } fragment Self on MenuItem { name ... on MenuItem { ...Self } }',
  ]) {
    const response = await refused(node, query);
    assert.match(response.body.errors[0].message, /Cannot spread fragment/, query);
  }
});

test('aliases: at most 15 by default, counted in fragments each time they are spread', async () => {
  const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: menuItem(id: "lemonade") { name }`).join(' ');
  await data(node, `{ ${aliases(15)} }`);
  const response = await refused(node, `{ ${aliases(16)} }`, 'aliases');
  assert.equal(response.body.errors[0].extensions.actual, 16);
  // 2 + 2 × 8 = 18 aliases run, although the text holds only 10.
  const spread = `{ x: menu { ...Eight } y: menu { ...Eight } } fragment Eight on MenuItem { ${Array.from({ length: 8 }, (_, index) => `n${index}: name`).join(' ')} }`;
  await refused(node, spread, 'aliases');
});

test('directives: at most 10, including repeats on one field', async () => {
  const fields = (count: number) => Array.from({ length: count }, (_, index) => `f${index}: name @include(if: true)`).join(' ');
  await data(node, `{ menu { ${fields(10)} } }`);
  await refused(node, `{ menu { ${fields(11)} } }`, 'directives');
  await refused(node, `{ menu { name${' @skip(if: false)'.repeat(50)} } }`, 'directives');
});

test('regression: 499 repeats of menu { id } (6 KB, inside every other limit) are refused before validation compares each pair', async () => {
  const response = await refused(node, `{ ${'menu { id } '.repeat(499)}}`, 'repeats');
  const error = response.body.errors.find((candidate: { extensions: { limit?: string } }) => candidate.extensions.limit === 'repeats');
  assert.equal(error.extensions.max, 20, response.text);
  assert.match(error.message, /selections of "menu"/, response.text);
  assert.deepEqual(await data(node, `{ ${'menu { id } '.repeat(20)}}`), { menu: (await data(node, '{ menu { id } }')).menu }, 'twenty repeats merge into one answer');
});

test('repeats are counted where the fields merge: in fragments, inline fragments, and below same-named fields', async () => {
  await refused(node, `{ menu { ${'id '.repeat(21)}} }`, 'repeats');
  await refused(node, `{ ${'menu { ingredients { name } } '.repeat(3)}menu { ${'ingredients { name } '.repeat(18)}} }`, 'repeats');
  await refused(node, `{ menu { ...A ...B } } fragment A on MenuItem { ${'id '.repeat(11)}} fragment B on MenuItem { ... on MenuItem { ${'id '.repeat(10)}} }`, 'repeats');
  const spreads = (count: number) => `{ menu { ${Array.from({ length: count }, (_, index) => `...F${index}`).join(' ')} } } ${Array.from({ length: count }, (_, index) => `fragment F${index} on MenuItem { n${index}: name }`).join(' ')}`;
  const fifteen = await data(node, spreads(15));
  assert.equal(fifteen.menu[0].n14, fifteen.menu[0].n0, 'fifteen fragments spread at one place run');
  await refused(node, spreads(21).replaceAll(/n\d+: /g, ''), 'repeats');
  // A fragment spread again below a place where it is spread (not a cycle) is counted there too.
  const eleven = `fragment R on __Type { ${'name '.repeat(11)}}`;
  await data(node, `{ __type(name: "Order") { ...R ofType { ...R } } } ${eleven}`);
  await refused(node, `{ __type(name: "Order") { ...R ofType { ...R ${'name '.repeat(10)}} } } ${eleven}`, 'repeats');
  // One fragment spread many times at one place is one spread: graphql-js merges it for free.
  await data(node, `{ menu { ${'...F '.repeat(30)}} } fragment F on MenuItem { id }`);
});

test('regression: a fragment bomb inside __schema (3^9 places) is refused before it is walked whole', async () => {
  const fragments = Array.from({ length: 9 }, (_, index) => `fragment T${index + 1} on __Type { ofType { ...T${index} } interfaces { ...T${index} } possibleTypes { ...T${index} } }`);
  const bomb = `{ __schema { types { ...T9 } } } fragment T0 on __Type { name } ${fragments.join(' ')}`;
  const response = await refused(node, bomb, 'repeats');
  assert.match(response.text, /more than 20000 fields once its fragments are spread/);
});

test('regression: /healthz answers while 40 documents of 499 repeats arrive at once', async () => {
  const attack = `{ ${'menu { id } '.repeat(499)}}`;
  const [health, ...answers] = await Promise.all([
    node.request('/healthz'),
    ...Array.from({ length: 40 }, () => graphql(node, attack)),
  ]);
  assert.equal(health?.status, 200, 'the node stays healthy');
  for (const answer of answers) assert.equal(answer.status, 400, answer.text);
  assert.ok(answers.every((answer) => answer.body.errors.some((error: { extensions: { limit?: string } }) => error.extensions.limit === 'repeats')), 'each is refused by the repeats limit');
});

test('tokens: the parser stops past 2000 tokens', async () => {
  const response = await refused(node, `{ menu { ${'name '.repeat(2100)} } }`);
  assert.match(response.body.errors[0].message, /2000 tokens\. Parsing aborted/);
});

test('cost: limits multiply the lists they size; too costly is refused, also when the limit is a variable', async () => {
  const heavy = '{ orders(limit: 100) { items { id items { menuItem { ingredients { name min max portions } } } messages(limit: 100) { text } } } }';
  const response = await refused(node, heavy, 'cost', { token: node.adminToken });
  assert.ok(response.body.errors[0].extensions.actual > 20_000);
  await data(node, heavy.replace('limit: 100', 'limit: 5'), { token: node.adminToken });

  const variable = 'query($n: Int) { orders(limit: $n) { items { id messages(limit: 100) { text } } } }';
  await data(node, variable, { token: node.adminToken, variables: { n: 5 } });
  await refused(node, variable, 'cost', { token: node.adminToken, variables: { n: 100 } });
  // The same cached document is measured again for each request's variables.
  await data(node, variable, { token: node.adminToken, variables: { n: 5 } });
  await refused(node, 'query($n: Int = 100) { orders(limit: $n) { items { id messages(limit: 100) { text } } } }', 'cost', { token: node.adminToken });
});

test('introspection switched off refuses __schema and __type however they are disguised, and keeps __typename', async () => {
  for (const query of [
    '{ __schema { types { name } } }',
    '{ s: __schema { queryType { name } } }',
    '{ __schema # a comment\n { queryType { name } } }',
    '{\n\t__schema\n\n,{ queryType { name } } }',
    '{ __type(name: "Order") { fields { name } } }',
    '{ t: __type(name: "Order") { name } }',
    '{ ...Sneaky } fragment Sneaky on Query { __schema { types { name } } }',
    '{ ... on Query { __type(name: "Query") { name } } }',
    'query { menu { name } } query Other { __schema { types { name } } }',
  ]) {
    const response = await refused(closed, query);
    assert.ok(response.body.errors.some((error: { message: string }) => /introspection/i.test(error.message)), query);
  }
  assert.deepEqual(await data(closed, '{ __typename menuItem(id: "lemonade") { __typename name } }'), { __typename: 'Query', menuItem: { __typename: 'MenuItem', name: 'Lemonade' } });
  assert.deepEqual(await data(closed, '{ ...__schema } fragment __schema on Query { menuItem(id: "lemonade") { name } }'), { menuItem: { name: 'Lemonade' } });
});

test('suggestions: no "Did you mean" outside development, and they return with NODE_ENV=development', async () => {
  const misspelt = ['{ ordrs { items { id } } }', '{ orders(status: PLACE) { items { id } } }', '{ orders(limt: 2) { items { id } } }'];
  for (const query of misspelt) {
    const response = await refused(node, query);
    assert.ok(!JSON.stringify(response.body).includes('Did you mean'), response.text);
  }
  const badVariable = await graphql(node, 'query($s: OrderStatus) { orders(status: $s) { items { id } } }', { variables: { s: 'PLACE' } });
  assert.ok(!badVariable.text.includes('Did you mean'), badVariable.text);

  const development = await startTestNode({ NODE_ENV: 'development' });
  try {
    const response = await refused(development, misspelt[0] as string);
    assert.match(response.body.errors[0].message, /Did you mean "orders"/);
  } finally {
    await development.close();
  }
});
