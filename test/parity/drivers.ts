/**
 * Parity drivers: one per pattern (REST, JSON-RPC, GraphQL), each calling a catalogue operation by
 * name over real HTTP and answering in the core's shape, so the parity suite compares like with like.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { operations } from '../../src/operations/index.ts';
import { rootFieldPath } from '../../src/patterns/graphql/operation-fields.ts';
import { createGraphqlSchema } from '../../src/patterns/graphql/schema.ts';

export const patterns = ['rest', 'rpc', 'graphql'] as const;
export type PatternName = (typeof patterns)[number];

export type Input = Record<string, unknown>;
/** `fields` are the JSON Pointers of per-field errors, absent when the pattern sent none. */
export type Outcome = { ok: any } | { error: { code: string; fields?: string[] } }; // eslint-disable-line @typescript-eslint/no-explicit-any -- scenarios read outputs of every shape

export interface Driver {
  pattern: PatternName;
  call(operation: string, input: Input, token?: string): Promise<Outcome>;
}

/** Every operation each pattern's drivers were asked to call: the coverage guard reads it. */
export const calledBy: Record<PatternName, Set<string>> = { rest: new Set(), rpc: new Set(), graphql: new Set() };

const byName = new Map(operations.map((operation) => [operation.name, operation]));

async function post(url: string, body: unknown, token: string | undefined, accept = 'application/json') {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire bodies of every shape
}

const pointers = (errors: { pointer: string }[] | undefined) => errors?.map((error) => error.pointer);

function failure(code: unknown, fields: string[] | undefined): Outcome {
  return { error: { code: String(code), ...(fields && fields.length > 0 ? { fields } : {}) } };
}

/**
 * The ETag REST answered for each resource version (`<id>@<version>`). REST has no expectedVersion:
 * a client sends back the ETag it read, so the driver does exactly that for the version asked for.
 */
const etagsSeen = new Map<string, string>();

/** REST: method, path, query or body, Idempotency-Key and If-Match, all read from the operation's REST binding. */
async function restCall(url: string, name: string, input: Input, token?: string): Promise<Outcome> {
  const rest = byName.get(name)?.rest;
  if (!rest) throw new Error(`${name} has no REST binding`);
  const remaining: Input = { ...input };
  const resourceId = String(input['id']);
  const take = (field: string) => {
    const value = remaining[field];
    delete remaining[field];
    return value;
  };
  const path = rest.path.replace(/\{(\w+)\}/g, (_whole, field: string) => encodeURIComponent(String(take(field))));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  for (const [header, field] of Object.entries(rest.headers ?? {})) if (field in remaining) headers[header] = String(take(field));
  if (rest.ifMatch !== undefined) {
    // A version this driver never read the ETag of is stale by construction: "0" is no resource's tag.
    if ('expectedVersion' in remaining) headers['if-match'] = etagsSeen.get(`${resourceId}@${String(take('expectedVersion'))}`) ?? '"0"';
    // REST alone insists on If-Match here (428); `*` says "whatever is current", which is what the other patterns mean without a version.
    else if (rest.ifMatch === 'required') headers['if-match'] = '*';
  }
  let target = url + path;
  let body: string | undefined;
  if (rest.method === 'GET') {
    const query = new URLSearchParams();
    for (const [field, value] of Object.entries(remaining)) query.set(field, Array.isArray(value) ? value.join(',') : String(value));
    if ([...query].length > 0) target += `?${query.toString()}`;
  } else if (Object.keys(remaining).length > 0 || rest.method !== 'DELETE') {
    body = JSON.stringify(remaining);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(target, { method: rest.method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  if (response.status < 300) {
    const ok = response.status === 204 ? null : JSON.parse(text);
    const etag = response.headers.get('etag');
    if (etag && typeof ok?.id === 'string' && typeof ok?.version === 'number') etagsSeen.set(`${ok.id}@${ok.version}`, etag);
    return { ok };
  }
  const problem = JSON.parse(text) as { code: string; errors?: { pointer: string }[] };
  return failure(problem.code, pointers(problem.errors));
}

let rpcId = 0;

/** JSON-RPC 2.0: the operation is the method, the input the params; domain codes sit in error.data.code. */
async function rpcCall(url: string, name: string, input: Input, token?: string): Promise<Outcome> {
  const id = ++rpcId;
  const { body } = await post(`${url}/rpc`, { jsonrpc: '2.0', id, method: name, params: input }, token);
  if (body.id !== id) throw new Error(`JSON-RPC answered id ${String(body.id)} to ${id}`);
  if ('result' in body) return { ok: body.result };
  return failure(body.error.data?.code ?? `rpc:${String(body.error.code)}`, pointers(body.error.data?.errors));
}

const schema = createGraphqlSchema(operations);
/** Edges of the graph that the operation's own output does not hold: the driver selects the output, no more. */
const graphEdges = new Set(['OrderItem.menuItem', 'Order.messages']);

/** Operations whose GraphQL field answers another shape than the operation (a page's items, true for nothing), reshaped back. */
export const graphqlUnshape: Record<string, (value: unknown) => unknown> = {
  'menu.list': (list) => (Array.isArray(list) ? { items: list, nextCursor: null } : list),
  'menu.delete': (deleted) => (deleted === true ? null : deleted),
  'keys.revoke': (revoked) => (revoked === true ? null : revoked),
  'webhooks.delete': (deleted) => (deleted === true ? null : deleted),
};

function selection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((field) => !graphEdges.has(`${named.name}.${field.name}`));
  return `{ ${fields.map((field) => `${field.name} ${selection(field.type)}`.trim()).join(' ')} }`;
}

/** Core value → GraphQL value: enums in capitals, the adjustments map as `[{ ingredient, portions }]`; unknown fields pass untouched. */
function toGraphql(type: GraphQLInputType, value: unknown): unknown {
  if (isNonNullType(type)) return toGraphql(type.ofType, value);
  if (value === null || value === undefined) return value;
  if (isListType(type)) {
    if (getNamedType(type).name === 'AdjustmentInput' && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>).map(([ingredient, portions]) => ({ ingredient, portions }));
    }
    return Array.isArray(value) ? value.map((entry) => toGraphql(type.ofType, entry)) : value;
  }
  if (isEnumType(type)) return typeof value === 'string' ? value.toUpperCase() : value;
  if (isInputObjectType(type) && typeof value === 'object') {
    const fields = type.getFields();
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fields[key] ? toGraphql(fields[key].type, entry) : entry]));
  }
  return value;
}

/** GraphQL value → core value: enums in lower case, adjustment lists as a map. JSON scalars (event data) stay as they are. */
function fromGraphql(type: GraphQLOutputType, value: unknown): unknown {
  if (isNonNullType(type)) return fromGraphql(type.ofType, value);
  if (value === null || value === undefined) return value;
  if (isListType(type)) {
    const list = value as unknown[];
    if (getNamedType(type).name === 'Adjustment') return Object.fromEntries(list.map((entry) => [(entry as Input)['ingredient'], (entry as Input)['portions']]));
    return list.map((entry) => fromGraphql(type.ofType, entry));
  }
  if (isEnumType(type)) return typeof value === 'string' ? value.toLowerCase() : value;
  if (isObjectType(type)) {
    const fields = type.getFields();
    return Object.fromEntries(Object.entries(value as Input).map(([key, entry]) => [key, fields[key] ? fromGraphql(fields[key].type, entry) : entry]));
  }
  return value;
}

function rootField(name: string): { keyword: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> } {
  const operation = byName.get(name);
  if (!operation) throw new Error(`${name} is not in the catalogue`);
  const path = rootFieldPath(operation);
  const [typeName, fieldName] = path.split('.') as [string, string];
  const field = (typeName === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields()[fieldName];
  if (!field) throw new Error(`${path} is not in the schema`);
  return { keyword: typeName === 'Query' ? 'query' : 'mutation', field };
}

/** A scalar variable type for a field the schema lacks, so the server (not the driver) refuses it. */
const guessType = (value: unknown) => (typeof value === 'number' ? 'Int' : typeof value === 'boolean' ? 'Boolean' : 'String');

/** GraphQL: the document for the operation's field, selecting the full output, with the input as variables. */
async function graphqlCall(url: string, name: string, input: Input, token?: string): Promise<Outcome> {
  const { keyword, field } = rootField(name);
  const argTypes = new Map(field.args.map((argument) => [argument.name, argument.type]));
  const wrapper = argTypes.get('input');
  const variables: Input = {};
  const types = new Map<string, string>();
  // Fields that are arguments go as arguments; the rest belong in the `input` object where the field has one.
  const wrapped: Input = {};
  for (const [key, value] of Object.entries(input)) {
    const argType = argTypes.get(key);
    if (argType && key !== 'input') {
      variables[key] = toGraphql(argType, value);
      types.set(key, String(argType));
    } else if (wrapper) {
      wrapped[key] = value;
    } else {
      variables[key] = value;
      types.set(key, guessType(value));
    }
  }
  if (wrapper) {
    variables['input'] = toGraphql(wrapper, wrapped);
    types.set('input', String(wrapper));
  }
  const definitions = [...types].map(([key, type]) => `$${key}: ${type}`).join(', ');
  const argumentList = [...types.keys()].map((key) => `${key}: $${key}`).join(', ');
  const query = `${keyword}${definitions ? `(${definitions})` : ''} { ${field.name}${argumentList ? `(${argumentList})` : ''} ${selection(field.type)} }`;
  const { body } = await post(`${url}/graphql`, { query, variables }, token, 'application/graphql-response+json');
  const error = body.errors?.[0] as { extensions?: { code?: string; errors?: { pointer: string }[] } } | undefined;
  if (error) return failure(error.extensions?.code ?? 'none', pointers(error.extensions?.errors));
  const value = fromGraphql(field.type, body.data[field.name]);
  const unshape = graphqlUnshape[name];
  return { ok: unshape ? unshape(value) : value };
}

const callers: Record<PatternName, typeof restCall> = { rest: restCall, rpc: rpcCall, graphql: graphqlCall };

export function createDriver(pattern: PatternName, url: string): Driver {
  return {
    pattern,
    call(operation, input, token) {
      calledBy[pattern].add(operation);
      return callers[pattern](url, operation, input, token);
    },
  };
}
