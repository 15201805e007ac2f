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

const problemCodesOf = (response: { content?: Record<string, { schema?: { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } }> }): string[] =>
  (response.content?.['application/problem+json']?.schema?.allOf ?? []).flatMap((part) => part.properties?.code?.enum ?? []);

test('every operation documents its 4xx answers as problem+json, each code from the catalogue under its own status', async () => {
  let operations = 0;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, { responses: Record<string, any> }>)) { // eslint-disable-line @typescript-eslint/no-explicit-any -- plain JSON
      operations += 1;
      const route = `${method} ${path}`;
      const clientErrors = Object.entries(operation.responses).filter(([status]) => /^4\d\d$/.test(status));
      const problems = clientErrors.filter(([, response]) => response.content?.['application/problem+json'] !== undefined);
      assert.ok(problems.length > 0, `${route} documents at least one 4xx problem`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const codes = problemCodesOf(response);
        assert.ok(codes.length > 0, `${route} ${status} names its codes`);
        for (const code of codes) {
          assert.ok(code in errorCatalogue, `${route} ${status}: ${code} is a catalogue code`);
          assert.equal(String(errorCatalogue[code as keyof typeof errorCatalogue].status), status, `${route}: ${code} is documented under its own status`);
        }
      }
    }
  }
  const bound = node.core.catalogue.list().filter((operation) => operation.rest !== undefined).length;
  assert.equal(operations, bound + 1, 'every REST binding and GET /events/stream were checked');
});

test('the codes follow from each operation: auth, roles, path ids, If-Match, bodies, idempotency, declared conflicts, 429 and 503 everywhere', async () => {
  const codesOf = (path: string, method: string) =>
    Object.values(document.paths[path][method].responses as Record<string, object>).flatMap((response) => problemCodesOf(response as Parameters<typeof problemCodesOf>[0]));
  const menu = codesOf('/menu', 'get');
  assert.ok(menu.includes('validation_failed') && menu.includes('unauthorized') && menu.includes('rate_limited') && menu.includes('overloaded'), `GET /menu: ${menu.join(' ')}`);
  assert.ok(!menu.includes('forbidden') && !menu.includes('not_found'), `GET /menu has no role or id to fail on: ${menu.join(' ')}`);
  const patch = codesOf('/orders/{id}', 'patch');
  for (const code of ['not_found', 'version_mismatch', 'precondition_required', 'invalid_transition', 'menu_item_unavailable', 'unsupported_media_type', 'payload_too_large', 'malformed_json']) {
    assert.ok(patch.includes(code), `PATCH /orders/{id} documents ${code}: ${patch.join(' ')}`);
  }
  const place = codesOf('/orders', 'post');
  for (const code of ['forbidden', 'idempotency_key_reused', 'idempotency_key_in_progress', 'menu_item_unavailable']) assert.ok(place.includes(code), `POST /orders documents ${code}`);
  assert.ok(codesOf('/menu', 'post').includes('already_exists'), 'POST /menu documents already_exists');
  const events = document.paths['/events'].get.responses['410'];
  assert.equal(events.content['application/problem+json'].schema.allOf[0].$ref, '#/components/schemas/ResyncProblem', 'a stale cursor answers its head');
  assert.ok(document.paths['/menu'].get.responses['429'].headers['Retry-After'], '429 carries Retry-After');
});
