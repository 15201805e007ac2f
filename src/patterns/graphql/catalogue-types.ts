/**
 * GraphQL types generated from the catalogue's TypeBox (JSON) schemas, so a field added to an
 * operation's schema appears in GraphQL with no other edit. The rules keep DESIGN.md §5's shapes:
 * titled objects are types (their input form adds `Input`), string enums are enums in capitals,
 * maps are lists of entries, `id` and `…Id` strings are `ID`, untyped values are the `JSON` scalar.
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import { mustSend } from '../../core/core.ts';
import type { GraphqlContext } from './graphql-context.ts';

/** The JSON Schema keywords the catalogue writes and this translation reads. */
export interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  /** schemas.ts `MapEntry`: this map is a list of entries where the wire has no maps. */
  'x-entry'?: { title: string; key: string; value: string };
}

/** What a generated input type says about itself, for translating and pointing into values of it. */
export type EntryExtension = { entry: { key: string; value: string } };

/** An output type shown under another name with some of its fields, in this order (DESIGN.md §5's `Event`). */
export interface TypeView {
  name: string;
  description: string;
  fields: readonly string[];
}

/** Fields the schemas do not hold: graph edges the GraphQL pattern resolves itself, by type name. */
export type Edges = Record<string, (types: CatalogueTypes) => GraphQLFieldConfigMap<unknown, GraphqlContext>>;

export interface CatalogueTypes {
  output(schema: JsonSchema, fieldName: string): GraphQLOutputType;
  input(schema: JsonSchema, fieldName: string): GraphQLInputType;
  /** An input object named by a binding, holding the schema's fields except `omit`. */
  inputObject(name: string, schema: JsonSchema, omit: readonly string[]): GraphQLInputObjectType;
  /** A generated object type by its GraphQL name (for edges); throws if nothing generated it. */
  object(name: string): GraphQLObjectType;
  /** As `object`, but undefined when no operation generated it (a schema of a few operations, in tests). */
  findObject(name: string): GraphQLObjectType | undefined;
}

export const JsonScalar = new GraphQLScalarType({ name: 'JSON', description: 'Any JSON value, as it is: the data of an event.' });

const graphqlName = /^[_A-Za-z][_0-9A-Za-z]*$/;
const isIdField = (name: string) => name === 'id' || name.endsWith('Id');

/** `anyOf: [X, null]` is a nullable X; anything else is itself. */
export function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const others = schema.anyOf?.filter((option) => option.type !== 'null');
  if (schema.anyOf && others?.length === 1 && others.length < schema.anyOf.length) return { schema: others[0] as JsonSchema, nullable: true };
  return { schema, nullable: false };
}

/** A field may be left out when it is not required or has a default the core fills in. */
export const isOptional = (schema: JsonSchema, name: string) => !mustSend(schema, name);

/** The catalogue calls what a client sends a `…Request`; GraphQL calls every input an `…Input`. */
const inputName = (title: string) => `${title.replace(/Request$/, '')}Input`;

export function createCatalogueTypes(views: Readonly<Record<string, TypeView>>, edges: Edges): CatalogueTypes {
  const named = new Map<string, { type: GraphQLNamedType; signature: string }>();

  /** One GraphQL name, one shape: a second schema under a name already taken must be the same schema. */
  function once<T extends GraphQLNamedType>(name: string, schema: unknown, make: () => T): T {
    const signature = JSON.stringify(schema);
    const known = named.get(name);
    if (known) {
      if (known.signature !== signature) throw new Error(`two different schemas would both be the GraphQL type ${name}: give one another title`);
      return known.type as T;
    }
    const type = make();
    named.set(name, { type, signature });
    return type;
  }

  function titleOf(schema: JsonSchema, what: string): string {
    if (!schema.title) throw new Error(`GraphQL needs a name for ${what}: give its schema a title (${JSON.stringify(schema).slice(0, 80)})`);
    return schema.title;
  }

  /** String enums become GraphQL enums in capitals; values GraphQL cannot name (`order.placed`) stay strings. */
  function enumOrString(schema: JsonSchema): GraphQLEnumType | typeof GraphQLString {
    const values = (schema.enum ?? []) as string[];
    if (!values.every((value) => typeof value === 'string' && graphqlName.test(value.toUpperCase()))) return GraphQLString;
    const name = titleOf(schema, `the enum ${values.join('|')}`);
    // The internal value is the catalogue's own, so graphql-js translates both ways: PLACED ↔ placed.
    return once(name, schema, () => new GraphQLEnumType({ name, description: schema.description, values: Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) }));
  }

  function leaf(schema: JsonSchema, fieldName: string): GraphQLScalarType | GraphQLEnumType | undefined {
    if (schema.enum) return enumOrString(schema);
    if (schema.type === 'string') return isIdField(fieldName) ? GraphQLID : GraphQLString;
    if (schema.type === 'integer') return GraphQLInt;
    if (schema.type === 'number') return GraphQLFloat;
    if (schema.type === 'boolean') return GraphQLBoolean;
    if (schema.type === undefined && !schema.anyOf) return JsonScalar;
    return undefined;
  }

  function entryOf(schema: JsonSchema) {
    const entry = schema['x-entry'];
    const value = Object.values(schema.patternProperties ?? {})[0];
    if (!entry || !value) throw new Error(`a map becomes a list of entries in GraphQL: annotate it with x-entry (${schema.description ?? ''})`);
    return { entry, value, description: `${schema.description ?? ''} GraphQL has no maps, so here it is a list of { ${entry.key}, ${entry.value} }.`.trim() };
  }

  function outputFields(schema: JsonSchema, typeName: string, view: TypeView | undefined): GraphQLFieldConfigMap<unknown, GraphqlContext> {
    const properties = schema.properties ?? {};
    const names = view ? view.fields : Object.keys(properties);
    const fields: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
    const extra = edges[typeName]?.(types) ?? {};
    for (const name of names) {
      const property = properties[name];
      if (!property) throw new Error(`the GraphQL view ${typeName} names ${name}, which its schema lacks`);
      const { schema: inner, nullable } = withoutNull(property);
      const type = types.output(inner, name);
      const entry = inner['x-entry'];
      fields[name] = {
        // An output field with a default is still always there; a JSON value may itself be null.
        type: nullable || type === JsonScalar || !(schema.required ?? []).includes(name) ? type : new GraphQLNonNull(type),
        description: property.description ?? inner.description,
        // A map is served as entries; graphql-js reads the source's other fields as they are.
        ...(entry ? { resolve: (source: unknown) => entries((source as Record<string, Record<string, unknown>>)[name], entry) } : {}),
      };
      // An edge follows the id it resolves (OrderItem.menuItem after menuItemId).
      const edge = name.endsWith('Id') ? name.slice(0, -2) : undefined;
      if (edge && extra[edge]) fields[edge] = extra[edge];
    }
    for (const [name, config] of Object.entries(extra)) fields[name] ??= config;
    return fields;
  }

  function inputFields(schema: JsonSchema, omit: readonly string[]): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (omit.includes(name)) continue;
      const type = types.input(property, name);
      fields[name] = {
        type: isOptional(schema, name) ? type : new GraphQLNonNull(type),
        description: property.description,
        ...(property.default !== undefined ? { defaultValue: property.default } : {}),
      };
    }
    return fields;
  }

  const types: CatalogueTypes = {
    output(schema, fieldName) {
      const simple = leaf(schema, fieldName);
      if (simple) return simple;
      if (schema.type === 'array' && schema.items) {
        const { schema: item, nullable } = withoutNull(schema.items);
        const type = types.output(item, fieldName);
        return new GraphQLList(nullable ? type : new GraphQLNonNull(type));
      }
      if (schema.type === 'object' && schema.patternProperties) {
        const { entry, value, description } = entryOf(schema);
        const entryType = once(entry.title, schema, () => new GraphQLObjectType({ name: entry.title, description, fields: () => ({ [entry.key]: { type: new GraphQLNonNull(GraphQLString) }, [entry.value]: { type: new GraphQLNonNull(types.output(value, entry.value)) } }) }));
        return new GraphQLList(new GraphQLNonNull(entryType));
      }
      if (schema.type === 'object') {
        const title = titleOf(schema, `an object in an output (field ${fieldName})`);
        const view = views[title];
        const name = view?.name ?? title;
        return once(name, schema, () => new GraphQLObjectType({ name, description: view?.description ?? schema.description, fields: () => outputFields(schema, name, view) }));
      }
      throw new Error(`no GraphQL type for the output ${fieldName}: ${JSON.stringify(schema).slice(0, 80)}`);
    },

    input(schema, fieldName) {
      const simple = leaf(schema, fieldName);
      if (simple) return simple;
      if (schema.type === 'array' && schema.items) return new GraphQLList(new GraphQLNonNull(types.input(schema.items, fieldName)));
      if (schema.type === 'object' && schema.patternProperties) {
        const { entry, value, description } = entryOf(schema);
        const name = inputName(entry.title);
        const extensions: EntryExtension = { entry: { key: entry.key, value: entry.value } };
        const entryType = once(name, schema, () => new GraphQLInputObjectType({ name, description, extensions, fields: () => ({ [entry.key]: { type: new GraphQLNonNull(GraphQLString) }, [entry.value]: { type: new GraphQLNonNull(types.input(value, entry.value)) } }) }));
        return new GraphQLList(new GraphQLNonNull(entryType));
      }
      if (schema.type === 'object') return types.inputObject(inputName(titleOf(schema, `an object in an input (field ${fieldName})`)), schema, []);
      throw new Error(`no GraphQL type for the input ${fieldName}: ${JSON.stringify(schema).slice(0, 80)}`);
    },

    inputObject(name, schema, omit) {
      const kept = { ...schema, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([field]) => !omit.includes(field))) };
      return once(name, kept, () => new GraphQLInputObjectType({ name, description: schema.description, fields: () => inputFields(kept, []) }));
    },

    object(name) {
      const found = types.findObject(name);
      if (!found) throw new Error(`no generated GraphQL object type ${name}`);
      return found;
    },

    findObject(name) {
      const found = named.get(name)?.type;
      return found instanceof GraphQLObjectType ? found : undefined;
    },
  };
  return types;
}

/** `{ salt: 0 }` → `[{ ingredient: 'salt', portions: 0 }]`. */
function entries(map: Record<string, unknown> | undefined, entry: { key: string; value: string }) {
  return map === undefined ? map : Object.entries(map).map(([key, value]) => ({ [entry.key]: key, [entry.value]: value }));
}
