/**
 * Compiles each operation's input schema once; failures become `validation_failed` with per-field
 * errors, and text that is not well-formed Unicode is refused here for every operation at once.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { BistroError, fieldErrorSummary, pointerToken, type FieldError } from '../domain/errors.ts';
import { malformedText } from './well-formed-text.ts';

/**
 * Two compilations of each schema. The first stops at the first problem, so valid input (the common
 * case) and hopeless input cost the least; only a refusal pays for the second, which lists every
 * problem so a client can fix them all in one go.
 */
const firstError = new Ajv({ allErrors: false, useDefaults: true, strict: false });
const everyError = new Ajv({ allErrors: true, useDefaults: true, strict: false });
// ajv-formats ships CommonJS whose default export TypeScript sees as the module namespace.
for (const ajv of [firstError, everyError]) (addFormats as unknown as (instance: Ajv) => void)(ajv);

type SchemaObject = Record<string, unknown>;

const isSchema = (value: unknown): value is SchemaObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const mapSchemas = (schemas: SchemaObject): SchemaObject => Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, isSchema(schema) ? sizeBounds(schema) : {}]));

/**
 * Only the schema's `maxItems` and `maxProperties`, where they sit. A list longer than allowed is
 * refused on its length alone: listing the faults of each of its 21,000 entries would cost the CPU
 * and the answer size the limit is there to save. Keywords apply to their own type only, so this
 * says nothing about input of another shape.
 */
export function sizeBounds(schema: SchemaObject): SchemaObject {
  const bounds: SchemaObject = {};
  for (const keyword of ['maxItems', 'maxProperties'] as const) if (schema[keyword] !== undefined) bounds[keyword] = schema[keyword];
  if (isSchema(schema['items'])) bounds['items'] = sizeBounds(schema['items']);
  if (isSchema(schema['properties'])) bounds['properties'] = mapSchemas(schema['properties']);
  if (isSchema(schema['patternProperties'])) bounds['patternProperties'] = mapSchemas(schema['patternProperties']);
  if (isSchema(schema['additionalProperties'])) bounds['additionalProperties'] = sizeBounds(schema['additionalProperties']);
  return bounds;
}

function toFieldError(error: ErrorObject): FieldError {
  if (error.keyword === 'additionalProperties') {
    const property = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: `${error.instancePath}/${pointerToken(property)}`, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const property = String((error.params as { missingProperty: string }).missingProperty);
    return { path: `${error.instancePath}/${pointerToken(property)}`, message: 'is required' };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return { path: error.instancePath, message: `must be one of ${allowed.map(String).join(', ')}` };
  }
  return { path: error.instancePath, message: error.message ?? 'is not valid' };
}

export type Validator = (input: unknown) => void;

function refusal(errors: readonly ErrorObject[] | null | undefined): BistroError {
  const fieldErrors = (errors ?? []).map(toFieldError);
  return new BistroError('validation_failed', fieldErrorSummary(fieldErrors), fieldErrors);
}

export function compileValidator(schema: TSchema): Validator {
  const quick: ValidateFunction = firstError.compile(schema);
  // Plain JSON Schema for the bounds: TypeBox's symbol keys do not survive the copy, nor need to.
  const tooLong: ValidateFunction = firstError.compile(sizeBounds(JSON.parse(JSON.stringify(schema)) as SchemaObject));
  // Compiled on the first refusal: most operations never meet one, and start-up pays for every compilation.
  let thorough: ValidateFunction | undefined;
  return (input) => {
    if (quick(input)) {
      // After the schema, so the walk meets only the finite shapes the schema allows.
      const malformed = malformedText(input);
      if (malformed.length > 0) throw new BistroError('validation_failed', fieldErrorSummary(malformed), malformed);
      return;
    }
    if (!tooLong(input)) throw refusal(tooLong.errors);
    thorough ??= everyError.compile(schema);
    thorough(input);
    throw refusal(thorough.errors);
  };
}
