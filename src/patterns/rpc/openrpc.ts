/** The OpenRPC 1.3 document `rpc.discover` answers, generated from the catalogue like REST's OpenAPI. */
import type { TObject } from '@sinclair/typebox';
import { type AnyOperation, type Catalogue, errorCatalogue, type ErrorCode, type JsonObject, mustSend, plainSchema } from '../../core/core.ts';
import { operationErrors } from '../http/operation-errors.ts';
import { rpcErrorCodes } from './rpc-errors.ts';

const plain = plainSchema;

const errorRef = (code: ErrorCode) => ({ $ref: `#/components/errors/${code}` });

/** The catalogue codes a call of this operation can answer (operation-errors.ts); the envelope's own are the protocol's. */
const errorsOf = (operation: AnyOperation): JsonObject[] => operationErrors(operation).map(errorRef);

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
