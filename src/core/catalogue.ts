/** The operation catalogue: every operation by name, with its input validator compiled once. */
import type { AnyOperation } from './operation.ts';
import { compileValidator, type Validator } from './validation.ts';

export interface CatalogueEntry {
  operation: AnyOperation;
  validate: Validator;
}

export interface Catalogue {
  get(name: string): CatalogueEntry | undefined;
  list(): readonly AnyOperation[];
}

export function createCatalogue(operations: readonly AnyOperation[]): Catalogue {
  const entries = new Map<string, CatalogueEntry>();
  for (const operation of operations) {
    if (entries.has(operation.name)) throw new Error(`operation ${operation.name} is declared twice`);
    entries.set(operation.name, { operation, validate: compileValidator(operation.input) });
  }
  return {
    get: (name) => entries.get(name),
    list: () => operations,
  };
}
