/**
 * `npm run client:generate`: writes client/generated/catalogue.ts from the operation catalogue, so
 * the typed client cannot drift from the server (test/client/generated.test.ts regenerates it and
 * fails when the committed file differs). It holds, per operation:
 *   - its input and output types (json-schema-to-typescript over the catalogue's JSON Schemas);
 *   - its REST binding (method, path, status, headers);
 *   - its GraphQL document, with a selection of exactly the catalogue's output fields (no graph
 *     edges), and the few rules that turn the catalogue's JSON into GraphQL's and back (enums in
 *     capitals, maps as lists of entries), read off the schema the server itself serves;
 * and the error catalogue's code → status.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { compile } from 'json-schema-to-typescript';
import type { AnyOperation } from '../src/core/operation.ts';
import { errorCatalogue } from '../src/domain/errors.ts';
import { operations } from '../src/operations/index.ts';
import { createGraphqlSchema } from '../src/patterns/graphql/schema.ts';
import { withoutNull, type JsonSchema } from '../src/patterns/graphql/catalogue-types.ts';
import type { Shape } from '../client/request/graphql-shapes.ts';


const target = fileURLToPath(new URL('../client/generated/catalogue.ts', import.meta.url));

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Input shapes come from GraphQL's input types: they carry the entry rule in their extensions. */
function inputShape(type: GraphQLInputType, enums: Map<string, GraphQLEnumType>): Shape | undefined {
  const inner = getNullableType(type);
  if (isEnumType(inner)) {
    enums.set(inner.name, inner);
    return { enum: inner.name };
  }
  if (isListType(inner)) {
    const item = getNullableType(inner.ofType);
    const entry = isInputObjectType(item) ? (item.extensions as { entry?: { key: string; value: string } }).entry : undefined;
    if (entry && isInputObjectType(item)) {
      const valueType = item.getFields()[entry.value]?.type;
      const of = valueType ? inputShape(valueType, enums) : undefined;
      return { entries: { key: entry.key, value: entry.value, ...(of ? { of } : {}) } };
    }
    const of = inputShape(inner.ofType, enums);
    return of ? { list: of } : undefined;
  }
  if (isInputObjectType(inner)) {
    const fields: Record<string, Shape> = {};
    for (const [name, field] of Object.entries(inner.getFields())) {
      const shape = inputShape(field.type, enums);
      if (shape) fields[name] = shape;
    }
    return Object.keys(fields).length > 0 ? { fields } : undefined;
  }
  return undefined;
}

/**
 * The selection of an output and its shape, walking the catalogue's schema beside GraphQL's type:
 * only fields the catalogue answers are selected, so every pattern answers the same object.
 */
function outputSelection(schema: JsonSchema, type: GraphQLOutputType, enums: Map<string, GraphQLEnumType>): { selection: string; shape?: Shape } {
  // The same reading of `anyOf: [X, null]` the server's GraphQL types make.
  const json = withoutNull(schema).schema;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const entry = json['x-entry'];
    if (entry) {
      const valueSchema = Object.values(json.patternProperties ?? {})[0] ?? {};
      const entryType = getNamedType(inner.ofType);
      if (!isObjectType(entryType)) throw new Error(`map entries should be objects: ${entryType.name}`);
      const valueField = entryType.getFields()[entry.value];
      if (!valueField) throw new Error(`${entryType.name} has no ${entry.value}`);
      const value = outputSelection(valueSchema, valueField.type, enums);
      return { selection: ` { ${entry.key} ${entry.value}${value.selection} }`, shape: { entries: { key: entry.key, value: entry.value, ...(value.shape ? { of: value.shape } : {}) } } };
    }
    const item = outputSelection(json.items ?? {}, inner.ofType, enums);
    return { selection: item.selection, ...(item.shape ? { shape: { list: item.shape } } : {}) };
  }
  if (isEnumType(inner)) {
    enums.set(inner.name, inner);
    return { selection: '', shape: { enum: inner.name } };
  }
  if (isObjectType(inner)) {
    const graphqlFields: Record<string, GraphQLField<unknown, unknown>> = inner.getFields();
    const parts: string[] = [];
    const fields: Record<string, Shape> = {};
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const field = graphqlFields[name];
      if (!field) continue;
      const sub = outputSelection(property, field.type, enums);
      parts.push(`${name}${sub.selection}`);
      if (sub.shape) fields[name] = sub.shape;
    }
    if (parts.length === 0) throw new Error(`no field of ${inner.name} is in the catalogue's schema`);
    return { selection: ` { ${parts.join(' ')} }`, ...(Object.keys(fields).length > 0 ? { shape: { fields } } : {}) };
  }
  return { selection: '' };
}

function graphqlOf(operation: AnyOperation, schema: ReturnType<typeof createGraphqlSchema>, enums: Map<string, GraphQLEnumType>) {
  const binding = operation.graphql;
  if (!binding) throw new Error(`${operation.name} has no GraphQL binding`);
  const root = operation.kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  const field = root?.getFields()[binding.field];
  if (!field) throw new Error(`${operation.name}: no root field ${binding.field}`);
  const output = operation.output as JsonSchema;
  const answersNothing = output.type === 'null';
  const page = binding.items ? output.properties?.['items'] : undefined;
  const answer = answersNothing ? { selection: '' } : outputSelection(page ?? output, field.type, enums);
  const args: Record<string, Shape> = {};
  for (const arg of field.args) {
    const shape = inputShape(arg.type, enums);
    if (shape) args[arg.name] = shape;
  }
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`);
  const call = field.args.map((arg) => `${arg.name}: $${arg.name}`);
  const document = `${operation.kind === 'query' ? 'query' : 'mutation'}${variables.length > 0 ? `(${variables.join(', ')})` : ''} { ${binding.field}${call.length > 0 ? `(${call.join(', ')})` : ''}${answer.selection} }`;
  return {
    field: binding.field,
    document,
    arguments: field.args.map((arg) => arg.name),
    ...(binding.input ? { inputArgument: 'input', beside: binding.input.beside ?? [] } : {}),
    ...(Object.keys(args).length > 0 ? { argumentShapes: args } : {}),
    ...(answer.shape ? { outputShape: answer.shape } : {}),
    ...(binding.items ? { items: true } : {}),
    ...(answersNothing ? { answersNothing: true } : {}),
  };
}

function restOf(operation: AnyOperation) {
  const rest = operation.rest;
  if (!rest) throw new Error(`${operation.name} has no REST binding`);
  return {
    method: rest.method,
    path: rest.path,
    status: rest.status ?? 200,
    ...(rest.headers ? { headers: rest.headers } : {}),
    ...(rest.ifMatch ? { ifMatch: rest.ifMatch } : {}),
  };
}

/**
 * An input as a caller writes it: a field the server fills with its default may be left out. The
 * copy of each schema object is made once, so types shared by several operations stay one type.
 */
function callerInput(schema: JsonSchema, copies = new WeakMap<object, JsonSchema>()): JsonSchema {
  const known = copies.get(schema);
  if (known) return known;
  // An input with no fields at all (me.get) would come out as `{}`, which admits any value but null.
  if (schema.type === 'object' && Object.keys(schema.properties ?? {}).length === 0 && (schema as { additionalProperties?: unknown }).additionalProperties === false) {
    const empty = { ...schema, tsType: 'Record<never, never>' } as JsonSchema;
    copies.set(schema, empty);
    return empty;
  }
  const copy: JsonSchema = { ...schema };
  copies.set(schema, copy);
  if (schema.properties) {
    copy.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, callerInput(property, copies)]));
    copy.required = schema.required?.filter((name) => schema.properties?.[name]?.default === undefined);
  }
  if (schema.items) copy.items = callerInput(schema.items, copies);
  if (schema.anyOf) copy.anyOf = schema.anyOf.map((branch) => callerInput(branch, copies));
  if (schema.patternProperties) copy.patternProperties = Object.fromEntries(Object.entries(schema.patternProperties).map(([pattern, value]) => [pattern, callerInput(value, copies)]));
  // Nothing to relax anywhere below: the original, so a type shared with outputs keeps one name.
  const same = (copy.required?.length ?? 0) === (schema.required?.length ?? 0) && Object.entries(copy.properties ?? {}).every(([name, property]) => property === schema.properties?.[name]) && copy.items === schema.items && (copy.anyOf ?? []).every((branch, index) => branch === schema.anyOf?.[index]) && Object.entries(copy.patternProperties ?? {}).every(([pattern, value]) => value === schema.patternProperties?.[pattern]);
  if (same) copies.set(schema, schema);
  return same ? schema : copy;
}

/** One schema holding every operation's input and output, so shared titled types are declared once. */
async function typesOf(list: readonly AnyOperation[]): Promise<string> {
  const copies = new WeakMap<object, JsonSchema>();
  const properties = Object.fromEntries(
    list.map((operation) => [
      operation.name,
      { type: 'object', title: `${pascal(operation.name)}Operation`, properties: { input: callerInput(operation.input as JsonSchema, copies), output: operation.output }, required: ['input', 'output'], additionalProperties: false },
    ]),
  );
  const root = { title: 'Operations', type: 'object', properties, required: list.map(({ name }) => name), additionalProperties: false };
  // The catalogue's schemas are plain JSON Schema objects; compile takes them as such.
  return compile(root as Parameters<typeof compile>[0], 'Operations', {
    bannerComment: '',
    additionalProperties: false,
    strictIndexSignatures: true,
    // A tuple type for minItems makes a plain array an error at the call site; the server checks sizes.
    ignoreMinAndMaxItems: true,
    format: false,
  });
}

/**
 * TypeBox's `Optional` wraps a schema in a new object, so an enum used both bare and optional comes
 * out twice (`Category`, `Category1`); the numbered copy of an identical alias is folded into the first.
 */
function withoutCopies(types: string): string {
  const aliases = new Map<string, string>();
  for (const match of types.matchAll(/^export type (\w+) = (.*)$/gm)) aliases.set(match[1] ?? '', match[2] ?? '');
  let result = types;
  for (const [name, body] of aliases) {
    const original = /^(\w*?)\d+$/.exec(name)?.[1];
    if (original === undefined || aliases.get(original) !== body) continue;
    result = result.replace(new RegExp(`^export type ${name} = .*\n`, 'm'), '').replace(new RegExp(`\\b${name}\\b`, 'g'), original);
  }
  return result;
}

export async function generateClientCatalogue(): Promise<string> {
  const schema = createGraphqlSchema(operations);
  const enums = new Map<string, GraphQLEnumType>();
  const table = Object.fromEntries(
    operations.map((operation) => [
      operation.name,
      { kind: operation.kind, ...(operation.idempotent ? { idempotent: true } : {}), rest: restOf(operation), graphql: graphqlOf(operation, schema, enums) },
    ]),
  );
  const enumValues = Object.fromEntries(
    [...enums.values()].sort((a, b) => a.name.localeCompare(b.name)).map((type) => [type.name, Object.fromEntries(type.getValues().map((value) => [String(value.value), value.name]))]),
  );
  const statuses = Object.fromEntries(Object.entries(errorCatalogue).map(([code, { status }]) => [code, status]));
  const types = withoutCopies(await typesOf(operations));
  return [
    '// Generated by `npm run client:generate` from the operation catalogue (src/operations). Do not edit:',
    '// test/client/generated.test.ts fails when this file and the catalogue disagree.',
    '',
    types.trim(),
    '',
    'export type OperationName = keyof Operations;',
    "export type InputOf<N extends OperationName> = Operations[N]['input'];",
    "export type OutputOf<N extends OperationName> = Operations[N]['output'];",
    '',
    '/** How each operation travels: its REST binding and its GraphQL document. */',
    `export const operationTable = ${JSON.stringify(table, null, 2)} as const;`,
    '',
    '/** GraphQL enum names by catalogue value, per enum type. */',
    `export const graphqlEnums: Record<string, Record<string, string>> = ${JSON.stringify(enumValues, null, 2)};`,
    '',
    '/** The error catalogue: each code and its HTTP status (src/domain/errors.ts). */',
    `export const errorStatuses = ${JSON.stringify(statuses, null, 2)} as const;`,
    'export type ErrorCode = keyof typeof errorStatuses;',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(target, await generateClientCatalogue());
  console.log(`wrote ${target}`);
}
