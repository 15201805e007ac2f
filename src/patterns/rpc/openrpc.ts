/** The OpenRPC 1.3 document `rpc.discover` answers, generated from the catalogue like REST's OpenAPI. */
import type { TObject } from '@sinclair/typebox';
import { type AnyOperation, type Catalogue, errorCatalogue, type ErrorCode, type JsonObject, mustSend, plainSchema } from '../../core/core.ts';
import { rpcErrorCodes } from './rpc-errors.ts';

const plain = plainSchema;

const errorRef = (code: ErrorCode) => ({ $ref: `#/components/errors/${code}` });

/** Errors any call of this operation can meet; the rest (not_found, conflicts …) depend on the data. */
function errorsOf(operation: AnyOperation): JsonObject[] {
  const codes: ErrorCode[] = ['validation_failed'];
  if (!operation.roles.includes('anonymous')) codes.push('unauthorized');
  if (!['guest', 'waiter', 'kitchen', 'admin'].every((role) => (operation.roles as readonly string[]).includes(role))) codes.push('forbidden');
  if (operation.idempotent) codes.push('idempotency_key_reused', 'idempotency_key_in_progress');
  codes.push('internal_error');
  return codes.map(errorRef);
}

function methodOf(operation: AnyOperation): JsonObject {
  const input = operation.input as TObject;
  const params = Object.entries(input.properties).map(([name, schema]) => ({
    name,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    required: mustSend(input, name),
    schema: plain(schema),
  }));
  return {
    name: operation.name,
    summary: operation.summary,
    description: `Roles: ${operation.roles.join(', ')}.${operation.rest ? ` REST: \`${operation.rest.method} ${operation.rest.path}\`.` : ''}`,
    paramStructure: 'by-name',
    params,
    result: { name: typeof operation.output.title === 'string' ? operation.output.title : 'result', schema: plain(operation.output) },
    errors: errorsOf(operation),
  };
}

export function createOpenRpcDocument(catalogue: Catalogue, version: string): JsonObject {
  const errors = Object.fromEntries(
    (Object.keys(errorCatalogue) as ErrorCode[]).map((code) => [code, { code: rpcErrorCodes[code], message: errorCatalogue[code].title, data: { code } }]),
  );
  return {
    openrpc: '1.3.2',
    info: {
      title: 'Bistro',
      version,
      description: 'One kitchen, six ways to reach it. This is the JSON-RPC 2.0 face: every operation by name, params by name.',
    },
    // No `servers`: the same document answers over HTTP (`POST /rpc`) and the WebSocket, and the
    // meta-schema wants absolute URIs, which only the client knows.
    methods: catalogue.list().map(methodOf),
    components: { errors },
  };
}
