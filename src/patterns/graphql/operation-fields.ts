/**
 * Root fields from the catalogue: each operation's `graphql` binding names its field on Query (a
 * query) or Mutation (a command); arguments and answer come from its schemas. Arguments become the
 * operation's input by rules read off the generated types, never per operation: nulls are left
 * out, enums arrive as the catalogue's values (graphql-js maps PLACED → placed), entries become maps.
 */
import {
  GraphQLBoolean,
  GraphQLNonNull,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLArgumentConfig,
  type GraphQLFieldConfig,
  type GraphQLInputType,
} from 'graphql';
import { type AnyOperation, type GraphqlBinding, invalid, pointerToken } from '../../core/core.ts';
import { isOptional, type CatalogueTypes, type EntryExtension, type JsonSchema } from './catalogue-types.ts';

export type GraphqlArgs = Record<string, unknown>;

/** What a root field says about itself (`GraphQLField.extensions`): its operation, and where its input sits. */
export type RootFieldExtension = {
  operation: string;
  /** The argument holding the input's fields (`placeOrder(input: …)`) when the binding wraps them. */
  inputArgument?: string;
};

/** All a root field needs of the request context. */
export interface Caller {
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

export function graphqlBinding(operation: AnyOperation): GraphqlBinding {
  if (!operation.graphql) throw new Error(`${operation.name} has no graphql binding: name its root field beside its rest binding`);
  return operation.graphql;
}

/** `Query.menu`, `Mutation.placeOrder`: reads are queries and changes mutations, as GraphQL clients expect. */
export function rootFieldPath(operation: AnyOperation): `${'Query' | 'Mutation'}.${string}` {
  return `${operation.kind === 'query' ? 'Query' : 'Mutation'}.${graphqlBinding(operation).field}`;
}

/** `[{ ingredient: 'salt', portions: 0 }]` → `{ salt: 0 }`; a list can name a key twice, a map cannot. */
function entriesToMap(list: Record<string, unknown>[], entry: EntryExtension['entry'], valueType: GraphQLInputType, pointer: string) {
  const map = new Map<string, unknown>();
  for (const item of list) {
    const key = String(item[entry.key]);
    const at = `${pointer}/${pointerToken(key)}`;
    if (map.has(key)) throw invalid(at, `${entry.key} "${key}" is given twice`);
    map.set(key, fromGraphql(valueType, item[entry.value], at));
  }
  // fromEntries defines own properties, so even a key called "__proto__" stays a key.
  return Object.fromEntries(map);
}

/** One coerced GraphQL value as the catalogue takes it; `pointer` names it in the operation's input. */
export function fromGraphql(type: GraphQLInputType, value: unknown, pointer: string): unknown {
  if (value === null || value === undefined) return undefined;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = getNullableType(inner.ofType);
    const entry = isInputObjectType(item) ? (item.extensions as Partial<EntryExtension>).entry : undefined;
    const valueType = entry && isInputObjectType(item) ? item.getFields()[entry.value]?.type : undefined;
    if (entry && valueType) return entriesToMap(value as Record<string, unknown>[], entry, valueType, pointer);
    return (value as unknown[]).map((element, index) => fromGraphql(inner.ofType, element, `${pointer}/${index}`));
  }
  if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    const result: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
      const fieldType = fields[name]?.type;
      const translated = fieldType ? fromGraphql(fieldType, field, `${pointer}/${pointerToken(name)}`) : field;
      if (translated !== undefined) result[name] = translated;
    }
    return result;
  }
  return value;
}

/** A root field's arguments as its operation's input: the wrapping `input` argument is spread. */
export function argumentsToInput(argumentTypes: ReadonlyMap<string, GraphQLInputType>, args: GraphqlArgs, inputArgument: string | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const type = argumentTypes.get(name);
    if (!type) continue;
    const wrapper = name === inputArgument;
    const translated = fromGraphql(type, value, wrapper ? '' : `/${pointerToken(name)}`);
    if (translated === undefined) continue;
    if (wrapper) Object.assign(input, translated);
    else input[name] = translated;
  }
  return input;
}

function argumentsOf(operation: AnyOperation, types: CatalogueTypes): Record<string, GraphQLArgumentConfig> {
  const input = operation.input as JsonSchema;
  const wrap = graphqlBinding(operation).input;
  const beside = wrap?.beside ?? [];
  const args: Record<string, GraphQLArgumentConfig> = {};
  if (wrap) args['input'] = { type: new GraphQLNonNull(types.inputObject(wrap.type, input, beside)) };
  for (const [name, property] of Object.entries(input.properties ?? {})) {
    if (wrap && !beside.includes(name)) continue;
    const type = types.input(property, name);
    args[name] = {
      type: isOptional(input, name) ? type : new GraphQLNonNull(type),
      description: property.description,
      ...(property.default !== undefined ? { defaultValue: property.default } : {}),
    };
  }
  return args;
}

/** The root field serving one operation: it calls the operation through the context, so `invoke` sees every call. */
export function operationField(operation: AnyOperation, types: CatalogueTypes): GraphQLFieldConfig<unknown, Caller, GraphqlArgs> {
  const binding = graphqlBinding(operation);
  const output = operation.output as JsonSchema;
  const args = argumentsOf(operation, types);
  const argumentTypes = new Map(Object.entries(args).map(([name, config]) => [name, config.type]));
  const inputArgument = binding.input ? 'input' : undefined;
  const extensions: RootFieldExtension = { operation: operation.name, ...(inputArgument ? { inputArgument } : {}) };

  // GraphQL has no empty answer: an operation that answers nothing answers true once it is done.
  const answersNothing = output.type === 'null';
  const page = binding.items ? output.properties?.['items'] : undefined;
  if (binding.items && !page) throw new Error(`${operation.name} answers items, but its output has none`);
  const type = answersNothing ? GraphQLBoolean : types.output(page ?? output, binding.field);
  const answer = (result: unknown) => (answersNothing ? true : page ? (result as { items: unknown }).items : result);

  return {
    type,
    args,
    description: answersNothing ? `${operation.summary}; true once done.` : operation.summary,
    extensions,
    resolve: async (_root, given, context) => answer(await context.call(operation.name, argumentsToInput(argumentTypes, given, inputArgument))),
  };
}
