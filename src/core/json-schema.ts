/**
 * The catalogue's schemas as the documents each pattern publishes (OpenAPI, OpenRPC, the GraphQL
 * schema) see them: plain JSON Schema, and one rule for which fields a caller must send.
 */
import type { TSchema } from '@sinclair/typebox';

export type JsonObject = Record<string, unknown>;

/** TypeBox schemas are JSON Schema already; this drops TypeBox's symbol keys by round-tripping. */
export function plainSchema(schema: TSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

interface ObjectSchema {
  required?: readonly string[] | undefined;
  properties?: Record<string, object> | undefined;
}

/** A caller must send a field that is required and has no default: core fills defaults in before it checks. */
export function mustSend(schema: ObjectSchema, name: string): boolean {
  return (schema.required ?? []).includes(name) && !('default' in (schema.properties?.[name] ?? {}));
}
