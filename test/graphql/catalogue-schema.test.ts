/**
 * The GraphQL schema is the catalogue's: every field of every operation's TypeBox schema has its
 * GraphQL counterpart (checked here by an independent walk), a change to a schema shows in GraphQL,
 * and the printed schema is the public contract of DESIGN.md §5, kept in schema.graphql.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  printSchema,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { allRoles, defineOperation, type AnyOperation } from '../../src/core/operation.ts';
import { operations } from '../../src/operations/index.ts';
import { MenuItem, Strict } from '../../src/operations/schemas.ts';
import type { JsonSchema } from '../../src/patterns/graphql/catalogue-types.ts';
import { rootFieldPath } from '../../src/patterns/graphql/operation-fields.ts';
import { createGraphqlSchema } from '../../src/patterns/graphql/schema.ts';

const schema = createGraphqlSchema(operations);
const snapshot = new URL('schema.graphql', import.meta.url);

function rootField(operation: AnyOperation) {
  const [typeName, fieldName] = rootFieldPath(operation).split('.') as [string, string];
  return (typeName === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields()[fieldName];
}

/** DESIGN.md §5 shows a CloudEvent as Event with these fields; specversion and source make it whole for subscribers. */
const eventFields = ['id', 'sequence', 'type', 'subject', 'time', 'data', 'specversion', 'source'];

function unwrapNull(property: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  const others = property.anyOf?.filter((option) => option.type !== 'null');
  return others?.length === 1 ? { inner: others[0] as JsonSchema, nullable: true } : { inner: property, nullable: false };
}

/** Walks a catalogue schema and its GraphQL type side by side; `where` names the spot in messages. */
function conforms(property: JsonSchema, type: GraphQLOutputType | GraphQLInputType, where: string, name: string, seen: Set<string>): void {
  const inner = getNullableType(type);
  if (property.enum) {
    const values = property.enum as string[];
    if (values.some((value) => value.includes('.'))) return assert.equal(String(inner), 'String', `${where}: values GraphQL cannot name stay strings`);
    assert.ok(isEnumType(inner), `${where}: ${String(inner)} should be an enum`);
    return assert.deepEqual(inner.getValues().map((value) => [value.name, value.value]), values.map((value) => [value.toUpperCase(), value]), `${where}: enum values`);
  }
  if (property.type === 'array') {
    assert.ok(isListType(inner), `${where}: ${String(inner)} should be a list`);
    return conforms(property.items as JsonSchema, inner.ofType as GraphQLOutputType, `${where}[]`, name, seen);
  }
  if (property.type === 'object' && property.patternProperties) {
    const entry = property['x-entry'];
    assert.ok(entry && isListType(inner), `${where}: a map is a list of entries`);
    const item = getNamedType(inner);
    assert.ok(isObjectType(item) || isInputObjectType(item), `${where}: entries are objects`);
    return assert.deepEqual(Object.keys(item.getFields()), [entry.key, entry.value], `${where}: entry fields`);
  }
  if (property.type === 'object') {
    assert.ok(isObjectType(inner) || isInputObjectType(inner), `${where}: ${String(inner)} should be an object type`);
    if (seen.has(inner.name)) return;
    seen.add(inner.name);
    const fields = inner.getFields();
    const isInput = isInputObjectType(inner);
    const names = inner.name === 'Event' ? eventFields : Object.keys(property.properties ?? {});
    for (const field of names) {
      const { inner: schemaOfField, nullable } = unwrapNull(property.properties?.[field] as JsonSchema);
      const graphqlField = fields[field];
      assert.ok(graphqlField, `${where}.${field} is in the catalogue but not in GraphQL ${inner.name}`);
      const required = (property.required ?? []).includes(field) && !nullable && schemaOfField.type !== undefined && !(isInput && 'default' in schemaOfField);
      assert.equal(isNonNullType(graphqlField.type), required, `${where}.${field}: ${String(graphqlField.type)} should be ${required ? 'non-null' : 'nullable'}`);
      conforms(schemaOfField, graphqlField.type, `${where}.${field}`, field, seen);
    }
    return;
  }
  const scalars: Record<string, string> = { integer: 'Int', number: 'Float', boolean: 'Boolean', string: name === 'id' || name.endsWith('Id') ? 'ID' : 'String' };
  assert.equal(String(inner), property.type === undefined ? 'JSON' : scalars[property.type], `${where}: scalar type`);
}

test('every field of every operation\'s output is in GraphQL, with the same nullability, lists, enums and maps', () => {
  for (const operation of operations) {
    const field = rootField(operation);
    assert.ok(field, `${operation.name} has no root field`);
    const output = operation.output as JsonSchema;
    if (output.type === 'null') assert.equal(String(field.type), 'Boolean', `${operation.name}: nothing to answer is true`);
    else if (operation.graphql?.items) conforms(output.properties?.['items'] as JsonSchema, field.type, operation.name, 'items', new Set());
    else conforms(output, field.type, operation.name, field.name, new Set());
  }
});

test('every field of every operation\'s input is an argument, or a field of its one input object', () => {
  for (const operation of operations) {
    const field = rootField(operation);
    assert.ok(field, `${operation.name} has no root field`);
    const input = operation.input as JsonSchema;
    const wrapper = field.args.find((argument) => argument.name === 'input');
    const beside = operation.graphql?.input?.beside ?? [];
    if (operation.graphql?.input) assert.ok(wrapper && isNonNullType(wrapper.type), `${operation.name}: input: ${operation.graphql.input.type}!`);
    const wrapped = wrapper ? { ...input, properties: Object.fromEntries(Object.entries(input.properties ?? {}).filter(([name]) => !beside.includes(name))) } : undefined;
    if (wrapper && wrapped) conforms(wrapped, wrapper.type, `${operation.name}(input)`, 'input', new Set());
    for (const [name, property] of Object.entries(input.properties ?? {})) {
      if (wrapper && !beside.includes(name)) continue;
      const argument: { type: GraphQLInputType } | undefined = field.args.find((candidate) => candidate.name === name);
      assert.ok(argument, `${operation.name}: ${name} is in the input but not an argument`);
      const required = (input.required ?? []).includes(name) && !('default' in property);
      assert.equal(isNonNullType(argument.type), required, `${operation.name}(${name}): ${String(argument.type)}`);
      conforms(property, argument.type, `${operation.name}(${name})`, name, new Set());
    }
    const known = new Set([...Object.keys(input.properties ?? {}), ...(wrapper ? ['input'] : [])]);
    for (const argument of field.args) assert.ok(known.has(argument.name), `${operation.name}: argument ${argument.name} is not in the input`);
  }
});

/** A small catalogue of one operation, for watching what a schema change does to GraphQL. */
function catalogueWith(output: TSchema, input: TSchema = Strict({ id: Type.String() })): AnyOperation[] {
  return [defineOperation({ name: 'dish.get', summary: 'Read a dish', kind: 'query', input, output, roles: allRoles, graphql: { field: 'dish' }, handler: async () => ({}) })];
}

test('a field added to a TypeBox output appears in GraphQL at once, with its type and nullability', () => {
  const before = createGraphqlSchema(catalogueWith(MenuItem));
  assert.equal(before.getType('MenuItem') && 'spicy' in (before.getType('MenuItem') as { getFields(): object }).getFields(), false, 'not there before');
  const spicier = Strict({ ...MenuItem.properties, spicy: Type.Boolean(), heat: Type.Optional(Type.Integer()) }, { title: 'MenuItem' });
  const after = createGraphqlSchema(catalogueWith(spicier));
  const fields = (after.getType('MenuItem') as { getFields(): Record<string, { type: unknown }> }).getFields();
  assert.equal(String(fields['spicy']?.type), 'Boolean!', 'a required field is non-null');
  assert.equal(String(fields['heat']?.type), 'Int', 'an optional field is nullable');
});

test('enums, maps and inputs follow the schema; a name GraphQL cannot derive is an error that says what to add', () => {
  const Spice = Type.Unsafe<string>({ type: 'string', enum: ['mild', 'hot'], title: 'Spice' });
  const Extras = Type.Record(Type.String(), Type.Integer(), { 'x-entry': { title: 'Extra', key: 'name', value: 'count' } });
  const generated = createGraphqlSchema(catalogueWith(Strict({ spice: Spice, extras: Extras }, { title: 'Dish' }), Strict({ dishId: Type.String(), spice: Type.Optional(Spice), extras: Type.Optional(Extras) })));
  const dish = generated.getQueryType()?.getFields()['dish'];
  assert.deepEqual(dish?.args.map((argument) => `${argument.name}: ${String(argument.type)}`), ['dishId: ID!', 'spice: Spice', 'extras: [ExtraInput!]'], 'arguments');
  assert.match(printSchema(generated), /enum Spice {\n\s+MILD\n\s+HOT\n}/, 'enum values in capitals');
  assert.match(printSchema(generated), /type Dish {\n\s+spice: Spice!\n\s+extras: \[Extra!\]!\n}/, 'a map is a list of entries');
  assert.throws(() => createGraphqlSchema(catalogueWith(Strict({ name: Type.String() }))), /give its schema a title/, 'an untitled object');
  const otherMenuItem = Strict({ id: Type.String() }, { title: 'MenuItem' });
  const clash = [...catalogueWith(MenuItem), ...catalogueWith(otherMenuItem).map((operation) => ({ ...operation, name: 'dish.other', graphql: { field: 'other' } }))];
  assert.throws(() => createGraphqlSchema(clash), /two different schemas would both be the GraphQL type MenuItem/, 'two shapes under one name');
  assert.throws(() => createGraphqlSchema([{ ...(catalogueWith(MenuItem)[0] as AnyOperation), graphql: undefined }]), /has no graphql binding/, 'an operation without a binding');
});

test('the printed schema is the public contract in schema.graphql (BISTRO_UPDATE_SCHEMA=1 rewrites it after a deliberate change)', () => {
  const printed = `${printSchema(schema)}\n`;
  if (process.env['BISTRO_UPDATE_SCHEMA'] === '1') writeFileSync(snapshot, printed);
  assert.equal(printed, readFileSync(snapshot, 'utf8'), 'the GraphQL schema changed: check it against DESIGN.md §5, then rewrite test/graphql/schema.graphql');
});
