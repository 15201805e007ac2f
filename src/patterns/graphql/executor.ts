/**
 * Turns a GraphQL request into a result: parse (token-limited), measure against the limits,
 * validate, compile with graphql-jit and run. Prepared documents are kept in a small LRU keyed by
 * document text and operation name, so a repeated query skips straight to the compiled function.
 */
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  execute,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationTypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { withInputPointers } from './input-pointer-rules.ts';
import { countRepeats } from './field-repeats.ts';
import { costError, measureDocument, repeatsError, shapeErrors, type GraphqlLimits } from './limits.ts';
import type { GraphqlContext } from './schema.ts';

export interface GraphqlOptions extends GraphqlLimits {
  graphqlMaxTokens: number;
  graphqlIntrospection: boolean;
  graphqlSuggestions: boolean;
}

export interface Prepared {
  document: DocumentNode;
  operationName: string | undefined;
  operation: OperationTypeNode;
  variableDefinitions: readonly VariableDefinitionNode[];
  compiled: CompiledQuery | null;
  /** Known once for the document, or null when a `limit: $variable` makes it depend on the request. */
  cost: number | null;
}

export type Preparation = { ok: true; prepared: Prepared } | { ok: false; errors: readonly GraphQLError[] };

/** Documents kept compiled; a client usually sends a handful of distinct queries. */
const cacheSize = 500;

function validationError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'validation_failed' } });
}

export interface Executor {
  /** Never throws: a document that cannot run comes back as its errors. */
  prepare(query: string, operationName: string | undefined): Preparation;
  /** Why these variables make the document too costly (a `limit: $n`), or undefined when they do not. */
  tooCostly(prepared: Prepared, variables: Record<string, unknown> | undefined): GraphQLError | undefined;
  /** The result; one without `data` is a request error (bad variables, too costly). */
  run(prepared: Prepared, context: GraphqlContext, variables: Record<string, unknown> | undefined): Promise<ExecutionResult>;
}

export function createExecutor(schema: GraphQLSchema, options: GraphqlOptions, defaultLimits: ReadonlyMap<string, number>): Executor {
  const rules = withInputPointers(options.graphqlIntrospection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule]);
  const cache = new Map<string, Prepared>();

  function compile(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    try {
      const compiled = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
      return isCompiledQuery(compiled) ? compiled : null;
    } catch {
      // graphql-jit does not support every valid document; graphql-js executes what it cannot.
      return null;
    }
  }

  function prepareUncached(query: string, operationName: string | undefined): Preparation {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: options.graphqlMaxTokens });
    } catch (error) {
      const syntax = error instanceof GraphQLError ? error : validationError(String(error));
      return { ok: false, errors: [new GraphQLError(syntax.message, { nodes: syntax.nodes, source: syntax.source, positions: syntax.positions, extensions: { code: 'validation_failed' } })] };
    }
    const measured = measureDocument(document, schema, defaultLimits, undefined);
    const tooMuch = [
      ...shapeErrors(measured, options),
      ...[repeatsError(countRepeats(document, options.graphqlMaxRepeats), options), measured.costUsesVariables ? undefined : costError(measured.cost, options)].filter((error) => error !== undefined),
    ];
    if (tooMuch.length > 0) return { ok: false, errors: tooMuch };
    const invalid = validate(schema, document, rules, { maxErrors: 20 });
    if (invalid.length > 0) return { ok: false, errors: invalid };
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return { ok: false, errors: [validationError(operationName ? `The document has no operation named "${operationName}".` : 'The document has several operations: name one in operationName.')] };
    }
    return {
      ok: true,
      prepared: { document, operationName, operation: operation.operation, variableDefinitions: operation.variableDefinitions ?? [], compiled: compile(document, operationName), cost: measured.costUsesVariables ? null : measured.cost },
    };
  }

  function tooCostly(prepared: Prepared, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
    return prepared.cost === null ? costError(measureDocument(prepared.document, schema, defaultLimits, variables).cost, options) : undefined;
  }

  return {
    prepare(query, operationName) {
      const key = `${operationName ?? ''}\u0000${query}`;
      const hit = cache.get(key);
      if (hit) {
        // Re-insert so the Map's insertion order doubles as recency order.
        cache.delete(key);
        cache.set(key, hit);
        return { ok: true, prepared: hit };
      }
      const preparation = prepareUncached(query, operationName);
      if (preparation.ok) {
        cache.set(key, preparation.prepared);
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
      }
      return preparation;
    },

    tooCostly,

    async run(prepared, context, variables) {
      const tooMuch = tooCostly(prepared, variables);
      if (tooMuch) return { errors: [tooMuch] };
      // graphql-jit coerces variables without a cap on its errors: 15,000 bad list items cost
      // 15,000 errors and ~150 ms. graphql-js stops at maxErrors; a few µs more for good input.
      const coerced = getVariableValues(schema, prepared.variableDefinitions, variables ?? {}, { maxErrors: 20 });
      if (coerced.errors) return { errors: coerced.errors };
      if (prepared.compiled) return prepared.compiled.query(undefined, context, variables);
      return execute({ schema, document: prepared.document, contextValue: context, variableValues: variables, operationName: prepared.operationName });
    },
  };
}
