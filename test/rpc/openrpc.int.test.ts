/** `rpc.discover` over HTTP: a valid OpenRPC document (checked with @open-rpc/meta-schema) naming every catalogue operation. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import type { TObject } from '@sinclair/typebox';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { rpcErrorCodes } from '../../src/patterns/rpc/rpc-errors.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

// The package's index.d.ts declares only the document's types; its CommonJS index.js exports the schema itself as `openrpcDocument`.
const { openrpcDocument } = createRequire(import.meta.url)('@open-rpc/meta-schema') as { openrpcDocument: Record<string, unknown> };

let node: TestNode;
let document: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is read field by field below

before(async () => {
  node = await startTestNode();
  const response = await node.request('/rpc', { json: { jsonrpc: '2.0', method: 'rpc.discover', id: 1 } });
  assert.equal(response.status, 200);
  document = response.body.result;
});
after(() => node.close());

/**
 * The meta-schema describes JSON Schemas by `$ref` to json-schema-tools' meta schema, which the package
 * does not bundle. That schema is draft-07 with titles added, so ajv's own draft-07 meta schema stands in,
 * under both spellings of its id the meta-schema uses, plus the one definition it points into.
 */
function metaSchemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats ships CommonJS whose default export TypeScript sees as the module namespace.
  (addFormats as unknown as (instance: Ajv) => void)(ajv);
  const standIn = { ...draft7, definitions: { ...draft7.definitions, JSONSchemaObject: { properties: { $ref: draft7.properties.$ref } } } };
  ajv.addSchema({ ...standIn, $id: 'https://meta.json-schema.tools' });
  ajv.addSchema({ ...standIn, $id: 'https://meta.json-schema.tools/' });
  // Its own `$schema` names that meta schema as the dialect, which ajv cannot load as one.
  const { $schema: _dialect, ...schema } = openrpcDocument;
  return ajv.compile(schema);
}

test('the OpenRPC document validates against @open-rpc/meta-schema', () => {
  const validate = metaSchemaValidator();
  assert.equal(validate(document), true, JSON.stringify(validate.errors, null, 2));
  assert.match(document.openrpc, /^1\./);
  assert.equal(document.info.title, 'Bistro');
});

test('the meta-schema validator is not vacuous: a broken document fails it', () => {
  const validate = metaSchemaValidator();
  const broken = structuredClone(document);
  delete broken.methods[0].params;
  broken.methods[1].params[0].schema = { type: 7 };
  assert.equal(validate(broken), false);
  assert.equal(validate({ ...document, openrpc: '2.0.0' }), false);
});

test('every catalogue operation is a method, and nothing else is', () => {
  const names = node.core.catalogue.list().map((operation) => operation.name).sort();
  assert.deepEqual(document.methods.map((method: { name: string }) => method.name).sort(), names);
  assert.ok(names.includes('orders.place') && names.includes('orders.setStatus') && names.includes('messages.send'));
});

test('params are the input schema properties by name, required unless optional or defaulted', () => {
  for (const operation of node.core.catalogue.list()) {
    const method = document.methods.find((candidate: { name: string }) => candidate.name === operation.name);
    const input = operation.input as TObject;
    assert.equal(method.paramStructure, 'by-name');
    assert.deepEqual(method.params.map((param: { name: string }) => param.name), Object.keys(input.properties), operation.name);
    for (const param of method.params) {
      const schema = input.properties[param.name] as { default?: unknown };
      const required = (input.required ?? []).includes(param.name) && schema.default === undefined;
      assert.equal(param.required, required, `${operation.name}.${param.name}`);
      assert.deepEqual(param.schema, JSON.parse(JSON.stringify(input.properties[param.name])));
    }
    assert.deepEqual(method.result.schema, JSON.parse(JSON.stringify(operation.output)), operation.name);
  }
  const place = document.methods.find((method: { name: string }) => method.name === 'orders.place');
  assert.deepEqual(
    place.params.map((param: { name: string; required: boolean }) => [param.name, param.required]),
    [['items', true], ['idempotencyKey', false]],
  );
  const list = document.methods.find((method: { name: string }) => method.name === 'orders.list');
  assert.equal(list.params.find((param: { name: string }) => param.name === 'limit').required, false, 'limit has a default');
});

test('errors: every catalogue code is a component with its JSON-RPC code, and every method reference resolves', () => {
  assert.deepEqual(Object.keys(document.components.errors).sort(), Object.keys(errorCatalogue).sort());
  for (const [code, error] of Object.entries(document.components.errors) as [keyof typeof rpcErrorCodes, { code: number; data: { code: string } }][]) {
    assert.equal(error.code, rpcErrorCodes[code]);
    assert.equal(error.data.code, code);
  }
  for (const method of document.methods) {
    assert.ok(method.errors.length > 0, method.name);
    for (const { $ref } of method.errors) {
      const name = /^#\/components\/errors\/(\w+)$/.exec($ref)?.[1];
      assert.ok(name !== undefined && name in document.components.errors, `${method.name}: ${$ref}`);
    }
  }
  const setStatus = document.methods.find((method: { name: string }) => method.name === 'orders.setStatus');
  assert.ok(setStatus.errors.some((error: { $ref: string }) => error.$ref.endsWith('/forbidden')), 'a staff-only method can be forbidden');
  const menuList = document.methods.find((method: { name: string }) => method.name === 'menu.list');
  assert.ok(!menuList.errors.some((error: { $ref: string }) => error.$ref.endsWith('/forbidden')), 'every role may list the menu');
  // A bad token is refused even for the menu, so every method lists unauthorized.
  assert.ok(menuList.errors.some((error: { $ref: string }) => error.$ref.endsWith('/unauthorized')), 'a bad token is refused even here');
  assert.ok(setStatus.errors.some((error: { $ref: string }) => error.$ref.endsWith('/invalid_transition')), 'declared conflicts are listed');
  const events = document.methods.find((method: { name: string }) => method.name === 'events.list');
  assert.ok(events.errors.some((error: { $ref: string }) => error.$ref.endsWith('/resync_required')), 'a stale cursor is listed');
});

test('the document is the same for anyone, even with a bad token', async () => {
  const response = await node.request('/rpc', { token: 'nonsense', json: { jsonrpc: '2.0', method: 'rpc.discover', params: [], id: 'd' } });
  assert.deepEqual(response.body, { jsonrpc: '2.0', result: document, id: 'd' });
});

test('GET /openrpc.json serves the document rpc.discover answers over HTTP, for tools and the web UI to link', async () => {
  const response = await node.request('/openrpc.json');
  assert.equal(response.status, 200, 'GET /openrpc.json answers');
  assert.match(String(response.headers.get('content-type')), /^application\/json/, 'as JSON');
  assert.deepEqual(response.body, document, 'the same document as rpc.discover');
});
