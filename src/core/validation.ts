/** Compiles each operation's input schema once; failures become `validation_failed` with per-field errors. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { BistroError, pointerToken, type FieldError } from '../domain/errors.ts';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
// ajv-formats ships CommonJS whose default export TypeScript sees as the module namespace.
(addFormats as unknown as (instance: Ajv) => void)(ajv);

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

export function compileValidator(schema: TSchema): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (input) => {
    if (validate(input)) return;
    const fieldErrors = (validate.errors ?? []).map(toFieldError);
    const summary = fieldErrors.map((error) => `${error.path || 'input'} ${error.message}`).join('; ');
    throw new BistroError('validation_failed', summary, fieldErrors);
  };
}
