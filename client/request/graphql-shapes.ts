/**
 * The catalogue's JSON and GraphQL's differ in two ways only (src/patterns/graphql/catalogue-types.ts):
 * string enums are GraphQL enums in capitals, and maps are lists of `{ key, value }` entries. The
 * generator reads off the server's schema where each occurs (a Shape); these walk a value by it.
 */
import { graphqlEnums } from '../generated/catalogue.ts';

export type Shape = { enum: string } | { list: Shape } | { entries: { key: string; value: string; of?: Shape } } | { fields: Record<string, Shape> };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function enumName(type: string, value: unknown): unknown {
  return graphqlEnums[type]?.[String(value)] ?? value;
}

function enumValue(type: string, name: unknown): unknown {
  const values = graphqlEnums[type] ?? {};
  return Object.keys(values).find((value) => values[value] === name) ?? name;
}

/** The catalogue's value as GraphQL takes it. Values that do not fit the shape pass unchanged: the server answers for them. */
export function toGraphql(value: unknown, shape: Shape | undefined): unknown {
  if (shape === undefined || value === null || value === undefined) return value;
  if ('enum' in shape) return enumName(shape.enum, value);
  if ('list' in shape) return Array.isArray(value) ? value.map((item) => toGraphql(item, shape.list)) : value;
  if ('entries' in shape) {
    if (!isRecord(value)) return value;
    const { key, value: valueName, of } = shape.entries;
    return Object.entries(value).map(([name, item]) => ({ [key]: name, [valueName]: toGraphql(item, of) }));
  }
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, toGraphql(item, shape.fields[name])]));
}

/** GraphQL's answer as the catalogue's JSON, the same object REST and JSON-RPC answer. */
export function fromGraphql(value: unknown, shape: Shape | undefined): unknown {
  if (shape === undefined || value === null || value === undefined) return value;
  if ('enum' in shape) return enumValue(shape.enum, value);
  if ('list' in shape) return Array.isArray(value) ? value.map((item) => fromGraphql(item, shape.list)) : value;
  if ('entries' in shape) {
    if (!Array.isArray(value)) return value;
    const { key, value: valueName, of } = shape.entries;
    // fromEntries keeps a key called "__proto__" a key.
    return Object.fromEntries(value.filter(isRecord).map((entry) => [String(entry[key]), fromGraphql(entry[valueName], of)]));
  }
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, fromGraphql(item, shape.fields[name])]));
}
