/** The one rule for which fields a caller must send, shared by OpenAPI, OpenRPC and the GraphQL schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { mustSend, plainSchema } from '../../src/core/json-schema.ts';

const schema = Type.Object({ id: Type.String(), limit: Type.Integer({ default: 20 }), note: Type.Optional(Type.String()) });

test('a required field without a default must be sent', () => {
  assert.equal(mustSend(schema, 'id'), true, 'id is required and has no default');
});

test('a field with a default, an optional field and an unknown one need not be sent', () => {
  assert.equal(mustSend(schema, 'limit'), false, 'core fills the default in');
  assert.equal(mustSend(schema, 'note'), false, 'optional');
  assert.equal(mustSend(schema, 'nothing'), false, 'not a field at all');
  assert.equal(mustSend({}, 'id'), false, 'a schema with no required list requires nothing');
  assert.equal(mustSend({ required: ['id'] }, 'id'), true, 'a required field of a schema that lists no properties');
});

test('a plain schema is the same JSON Schema without TypeBox symbols', () => {
  const plain = plainSchema(schema);
  assert.deepEqual(plain, JSON.parse(JSON.stringify(schema)), 'same JSON');
  assert.equal(Object.getOwnPropertySymbols(plain).length, 0, 'no symbol keys');
  assert.notEqual(plain, schema, 'a copy, not the schema itself');
});
