/** GraphQL over HTTP: GET and POST, media types and status codes per the GraphQL-over-HTTP spec, auth, GraphiQL. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphql, graphqlResponse, placeOrder } from './graphql-steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const menuQuery = '{ menuItem(id: "fish-and-chips") { name priceCents } }';
const expected = { menuItem: { name: 'Fish and chips', priceCents: 1450 } };

test('GET and POST run the same query and answer the same data', async () => {
  const viaPost = await graphql(node, menuQuery);
  const viaGet = await graphql(node, menuQuery, { method: 'GET' });
  for (const response of [viaPost, viaGet]) {
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('content-type'), `${graphqlResponse}; charset=utf-8`);
    assert.deepEqual(response.body, { data: expected });
  }
  const withVariables = await graphql(node, 'query Dish($id: ID!) { menuItem(id: $id) { name priceCents } }', { method: 'GET', variables: { id: 'fish-and-chips' }, operationName: 'Dish' });
  assert.deepEqual(withVariables.body, { data: expected });
});

test('the media type follows Accept: graphql-response+json when asked for, application/json otherwise', async () => {
  const cases: [string | undefined, string][] = [
    [graphqlResponse, graphqlResponse],
    [`${graphqlResponse}, application/json;q=0.9`, graphqlResponse],
    ['application/json', 'application/json'],
    [`application/json, ${graphqlResponse};q=0.5`, 'application/json'],
    ['*/*', 'application/json'],
    [undefined, 'application/json'],
  ];
  for (const [accept, mediaType] of cases) {
    const headers: Record<string, string> = accept === undefined ? {} : { accept };
    const response = await fetch(`${node.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: menuQuery }) });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), `${mediaType}; charset=utf-8`, `Accept: ${accept}`);
    assert.deepEqual(await response.json(), { data: expected });
  }
});

test('a document that cannot run is 400 with graphql-response+json, and 200 with application/json', async () => {
  for (const query of ['{ menu { name ', '{ nothingHere }', 'query($id: ID!) { menuItem(id: $id) { name } }']) {
    const strict = await graphql(node, query);
    assert.equal(strict.status, 400, query);
    assert.equal('data' in strict.body, false);
    assert.equal(strict.body.errors[0].extensions.code, 'validation_failed');
    const legacy = await graphql(node, query, { accept: 'application/json' });
    assert.equal(legacy.status, 200, query);
    assert.equal(legacy.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.ok(legacy.body.errors.length > 0);
  }
  const syntax = await graphql(node, '{ menu { name ');
  assert.match(syntax.body.errors[0].message, /^Syntax Error/);
  assert.deepEqual(syntax.body.errors[0].locations, [{ line: 1, column: 15 }]);
  const badVariable = await graphql(node, 'query($s: OrderStatus) { orders(status: $s) { items { id } } }', { variables: { s: 'LOST' } });
  assert.equal(badVariable.status, 400);
  assert.match(badVariable.body.errors[0].message, /\$s/);
});

test('a mutation over GET is 405 with Allow: POST, and changes nothing', async () => {
  const response = await graphql(node, 'mutation { deleteMenuItem(id: "lemonade") }', { method: 'GET', token: node.adminToken });
  assert.equal(response.status, 405);
  assert.equal((await node.request('/menu/lemonade')).status, 200, 'the item is still on the menu');
  assert.equal(response.headers.get('allow'), 'POST');
  assert.equal(response.body.errors[0].extensions.code, 'method_not_allowed');
  const other = await node.request('/graphql', { method: 'DELETE' });
  assert.equal(other.status, 405);
  assert.equal(other.headers.get('allow'), 'GET, POST');
});

test('POST bodies other than application/json are 415; broken JSON and missing query are 400', async () => {
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/graphql']) {
    const response = await node.request('/graphql', { body: JSON.stringify({ query: menuQuery }), headers: { 'content-type': contentType, accept: graphqlResponse } });
    assert.equal(response.status, 415, contentType);
    assert.equal(response.body.errors[0].extensions.code, 'unsupported_media_type');
    assert.equal(response.headers.get('content-type'), `${graphqlResponse}; charset=utf-8`);
  }
  const broken = await node.request('/graphql', { body: '{"query": ', headers: { 'content-type': 'application/json', accept: graphqlResponse } });
  assert.equal(broken.status, 400);
  assert.equal(broken.body.errors[0].extensions.code, 'malformed_json');
  for (const body of [{}, { query: 42 }, { query: menuQuery, variables: [1] }, { query: menuQuery, operationName: 7 }]) {
    const response = await node.request('/graphql', { json: body, headers: { accept: 'application/json' } });
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(response.body.errors[0].extensions.code, 'validation_failed');
  }
  const badVariablesInUrl = await node.request(`/graphql?query=${encodeURIComponent(menuQuery)}&variables=%7Bnope`);
  assert.equal(badVariablesInUrl.status, 400);
});

test('auth comes from Authorization: Bearer; a bad token is 401, none is anonymous', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const mine = await graphql(node, 'query($id: ID!) { order(id: $id) { id } }', { token: guest.token, variables: { id: order.id } });
  assert.deepEqual(mine.body.data, { order: { id: order.id } });
  const bad = await graphql(node, menuQuery, { token: 'bg_not-a-real-token' });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('www-authenticate'), 'Bearer realm="bistro"');
  assert.equal(bad.body.errors[0].extensions.code, 'unauthorized');
  const anonymous = await graphql(node, 'query($id: ID!) { order(id: $id) { id } }', { variables: { id: order.id } });
  assert.equal(anonymous.status, 200);
  assert.deepEqual(anonymous.body.data, { order: null });
  assert.equal(anonymous.body.errors[0].extensions.code, 'unauthorized');
});

test('several operations in one document: operationName picks one; none or an unknown one is 400', async () => {
  const document = 'query A { menuItem(id: "lemonade") { name } } query B { menuItem(id: "tomato-soup") { name } }';
  const picked = await graphql(node, document, { operationName: 'B' });
  assert.deepEqual(picked.body.data, { menuItem: { name: 'Tomato soup' } });
  assert.equal((await graphql(node, document)).status, 400);
  assert.equal((await graphql(node, document, { operationName: 'C' })).status, 400);
});

test('a browser asking for text/html gets GraphiQL, served with its assets from this node', async () => {
  const page = await node.request('/graphql', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.text, /GraphiQL\.createFetcher\(\{ url: '\/graphql' \}\)/);
  const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
  assert.deepEqual(sources.sort(), ['/graphql/assets/graphiql.min.css', '/graphql/assets/graphiql.min.js', '/graphql/assets/react-dom.production.min.js', '/graphql/assets/react.production.min.js']);
  assert.ok(!/https?:\/\//.test(page.text.replace(/<!doctype html>/, '')), 'nothing is loaded from elsewhere');

  const script = await node.request('/graphql/assets/graphiql.min.js');
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.ok(script.text.length > 100_000);
  const css = await node.request('/graphql/assets/graphiql.min.css');
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  for (const missing of ['/graphql/assets/package.json', '/graphql/assets/..%2Fpackage.json', '/graphql/assets/toString']) {
    assert.equal((await node.request(missing)).status, 404, missing);
  }
});

test('GraphiQL\'s introspection query passes every default limit', async () => {
  const { getIntrospectionQuery } = await import('graphql');
  const query = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true });
  const response = await graphql(node, query, { accept: 'application/json' });
  assert.equal(response.status, 200);
  assert.equal(response.body.errors, undefined, response.text);
  assert.equal(response.body.data.__schema.queryType.name, 'Query');
  assert.ok(response.body.data.__schema.types.some((type: { name: string }) => type.name === 'OrderStatus'));
});
