/**
 * An operation over GraphQL at `POST /graphql`, with the document the generator wrote for it: the
 * input becomes the root field's arguments (wrapped in `input` where the binding says), and the
 * answer is turned back into the catalogue's JSON, so it equals what REST and JSON-RPC answer.
 */
import { BistroClientError, fromGraphqlErrors, fromProblem } from '../errors.ts';
import type { Connection } from '../connection.ts';
import { operationTable, type OperationName } from '../generated/catalogue.ts';
import { exchange, jsonHeaders } from './answer.ts';
import { fromGraphql, toGraphql, type Shape } from './graphql-shapes.ts';

interface GraphqlBinding {
  field: string;
  document: string;
  arguments: readonly string[];
  inputArgument?: string;
  beside?: readonly string[];
  argumentShapes?: Record<string, Shape>;
  outputShape?: Shape;
  items?: boolean;
  answersNothing?: boolean;
}

function variablesOf(binding: GraphqlBinding, input: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  const wrapped: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (binding.inputArgument !== undefined && !(binding.beside ?? []).includes(field)) wrapped[field] = value;
    else variables[field] = value;
  }
  if (binding.inputArgument !== undefined) variables[binding.inputArgument] = wrapped;
  for (const [name, shape] of Object.entries(binding.argumentShapes ?? {})) {
    if (name in variables) variables[name] = toGraphql(variables[name], shape);
  }
  return variables;
}

export async function callGraphql(connection: Connection, name: OperationName, input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  const binding = operationTable[name].graphql as GraphqlBinding;
  const answer = await exchange(connection, '/graphql', {
    method: 'POST',
    headers: jsonHeaders(connection, { accept: 'application/graphql-response+json, application/json' }),
    body: JSON.stringify({ query: binding.document, variables: variablesOf(binding, input) }),
    ...(signal ? { signal } : {}),
  });
  const body = answer.body as { data?: Record<string, unknown> | null; errors?: unknown } | undefined;
  if (body?.errors !== undefined) throw fromGraphqlErrors(body.errors);
  if (body?.data === undefined || body.data === null) {
    if (answer.status >= 400) throw fromProblem(answer.status, answer.body, answer.headers);
    throw new BistroClientError('unexpected_answer', `HTTP ${answer.status}: not a GraphQL answer`, { status: answer.status });
  }
  if (binding.answersNothing) return null;
  const value = fromGraphql(body.data[binding.field], binding.outputShape);
  // `menu` is a plain list in GraphQL (DESIGN.md §5) and the whole menu: one page with no next.
  return binding.items ? { items: value, nextCursor: null } : value;
}
