/** REST description: GET /openapi.json covers every operation's REST binding; GET /docs and its assets are served. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document is read as plain JSON
let document: any;
before(async () => {
  node = await startTestNode();
  const response = await node.request('/openapi.json');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  document = response.body;
});
after(() => node.close());

const expectedRoutes = [
  'get /menu',
  'post /menu',
  'get /menu/{id}',
  'put /menu/{id}',
  'delete /menu/{id}',
  'post /orders',
  'get /orders',
  'get /orders/{id}',
  'patch /orders/{id}',
  'delete /orders/{id}',
  'put /orders/{id}/status',
  'get /orders/{orderId}/messages',
  'post /orders/{orderId}/messages',
  'get /events',
  'post /guests',
  'post /keys',
];

test('the document is OpenAPI 3.1 and lists every REST route of the contract', async () => {
  assert.equal(document.openapi, '3.1.0');
  const routes = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method} ${path}`));
  for (const route of expectedRoutes) assert.ok(routes.includes(route), `${route} is documented`);
});

test('every catalogue operation with a REST binding is documented under its own name', async () => {
  for (const operation of node.core.catalogue.list()) {
    if (!operation.rest) continue;
    const documented = document.paths[operation.rest.path]?.[operation.rest.method.toLowerCase()];
    assert.equal(documented?.operationId, operation.name, `${operation.rest.method} ${operation.rest.path}`);
  }
});

test('POST /orders documents Idempotency-Key as a header and a body that refuses unknown fields', async () => {
  const place = document.paths['/orders'].post;
  assert.ok(place.parameters.some((parameter: { name: string; in: string }) => parameter.name === 'idempotency-key' && parameter.in === 'header'));
  const body = place.requestBody.content['application/json'].schema;
  assert.equal(body.additionalProperties, false);
  assert.deepEqual(Object.keys(body.properties), ['items']);
  assert.ok(place.responses['201'].headers.Location);
});

test('PATCH /orders/{id} documents If-Match as required; GET routes document 304', async () => {
  const ifMatch = document.paths['/orders/{id}'].patch.parameters.find((parameter: { name: string }) => parameter.name === 'If-Match');
  assert.equal(ifMatch.required, true);
  assert.ok(document.paths['/orders/{id}'].get.responses['304']);
  assert.ok(document.paths['/events'].get.parameters.some((parameter: { name: string }) => parameter.name === 'after'));
});

test('errors are documented as problem+json with every catalogue code', async () => {
  assert.deepEqual(document.components.schemas.Problem.properties.code.enum, Object.keys(errorCatalogue));
  assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
});

test('GET /docs is a page that loads the document, and its assets are served', async () => {
  const page = await node.request('/docs');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.text, /\/openapi\.json/);
  assert.match(page.text, /\/docs\/assets\/swagger-ui-bundle\.js/);

  const script = await node.request('/docs/assets/swagger-ui-bundle.js');
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  assert.match(script.text, /SwaggerUIBundle/);

  assert.equal((await node.request('/docs/assets/not-there.js')).status, 404);
  assert.equal((await node.request('/docs/assets/%2e%2e/package.json')).status, 404);
});
