/**
 * Variables that fail coercion, explained with pointers into the operation's input like literals are
 * (input-pointer-rules.ts). Only a refused request pays for the explanation: the executor runs first.
 */
import { Kind, TypeInfo, getOperationAST, visit, visitWithTypeInfo, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { Executor } from './executor.ts';
import { pointerError } from './input-pointer-rules.ts';
import { argumentErrors } from './input-pointers.ts';

/** Why the variables of a document that passed validation cannot be coerced, with pointers; empty if they can. */
export function explainVariables(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, values: Readonly<Record<string, unknown>>): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const definitions = new Map((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition]));
  const typeInfo = new TypeInfo(schema);
  const errors: GraphQLError[] = [];
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  for (const definition of [operation, ...fragments]) {
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const field = typeInfo.getFieldDef();
          if (!field || !node.arguments?.length) return;
          const blamed = new Set<string>();
          const found = argumentErrors(field, node, { values, definitions, blamed });
          const names = [...blamed].map((name) => `"$${name}"`).join(', ');
          if (found.length > 0) errors.push(pointerError(node, found, `Variable${blamed.size > 1 ? 's' : ''} ${names} got an invalid value: `));
        },
      }),
    );
  }
  return errors;
}

/** The executor, with a refusal for bad variables explained by pointers (only refusals pay for it). */
export function explainingVariables(executor: Executor, schema: GraphQLSchema): Executor {
  return {
    ...executor,
    async run(prepared, context, variables) {
      const result = await executor.run(prepared, context, variables);
      if ('data' in result) return result;
      const explainedErrors = explainVariables(schema, prepared.document, prepared.operationName, variables ?? {});
      return explainedErrors.length > 0 ? { errors: explainedErrors } : result;
    },
  };
}
