/** OpenAPI 3.1, generated from the catalogue: every REST binding, its schemas, headers and errors. */
import type { TObject, TSchema } from '@sinclair/typebox';
import { type Catalogue, errorCatalogue, type JsonObject, mustSend, plainSchema } from '../../core/core.ts';
import { eventStreamPath, longPollParameters, longPollResponses, resyncProblemSchema } from './openapi-push.ts';
import { pathParameters } from './rest-routes.ts';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      maxItems: 20,
      description: 'The first field errors, each once.',
      items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } },
    },
    errorCount: { type: 'integer', minimum: 21, description: 'How many field errors there were, when `errors` could not list them all.' },
  },
};

const plain = plainSchema;
const isRequired = mustSend;

function withoutFields(schema: TObject, fields: readonly string[]): JsonObject | null {
  const properties = Object.fromEntries(Object.entries(schema.properties).filter(([name]) => !fields.includes(name)));
  if (Object.keys(properties).length === 0) return null;
  const required = Object.keys(properties).filter((name) => isRequired(schema, name));
  return plain({ ...schema, properties, required });
}

export function createOpenApiDocument(catalogue: Catalogue, version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const operation of catalogue.list()) {
    const rest = operation.rest;
    if (!rest) continue;
    const input = operation.input as TObject;
    const inPath = pathParameters(rest.path);
    const headerFields = Object.entries(rest.headers ?? {});
    const parameters: JsonObject[] = inPath.map((name) => ({ name, in: 'path', required: true, schema: plain(input.properties[name] as TSchema) }));
    for (const [header, field] of headerFields) {
      parameters.push({ name: header, in: 'header', required: false, schema: plain(input.properties[field] as TSchema) });
    }
    if (rest.ifMatch) parameters.push({ name: 'If-Match', in: 'header', required: rest.ifMatch === 'required', schema: { type: 'string' }, description: 'The ETag you read; a stale one answers 412.' });
    const consumed = [...inPath, ...headerFields.map(([, field]) => field), ...(rest.ifMatch ? ['expectedVersion'] : [])];
    let requestBody: JsonObject | undefined;
    if (rest.method === 'GET') {
      parameters.push({ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } });
      for (const [name, schema] of Object.entries(input.properties)) {
        if (consumed.includes(name)) continue;
        parameters.push({ name, in: 'query', required: isRequired(input, name), schema: plain(schema), explode: false });
      }
      parameters.push(...longPollParameters(operation.name));
    } else {
      const body = withoutFields(input, consumed);
      if (body) requestBody = { required: true, content: { 'application/json': { schema: body } } };
    }
    const status = String(rest.status ?? 200);
    const push = longPollResponses(operation.name);
    const success: JsonObject =
      status === '204'
        ? { description: 'Done.' }
        : {
            description: 'OK',
            headers: {
              ETag: { schema: { type: 'string' } },
              ...push.headers,
              ...(rest.location ? { Location: { schema: { type: 'string' } } } : {}),
            },
            content: { 'application/json': { schema: plain(operation.output) } },
          };
    const anonymousAllowed = operation.roles.includes('anonymous');
    paths[rest.path] ??= {};
    (paths[rest.path] as JsonObject)[rest.method.toLowerCase()] = {
      operationId: operation.name,
      summary: operation.summary,
      description: `Roles: ${operation.roles.join(', ')}. Also JSON-RPC method \`${operation.name}\`.`,
      ...(anonymousAllowed ? { security: [{}, { bearer: [] }] } : {}),
      parameters,
      ...(requestBody ? { requestBody } : {}),
      responses: {
        [status]: success,
        ...(rest.method === 'GET' ? { '304': { description: 'Not modified: your If-None-Match still matches.' } } : {}),
        ...push.responses,
        default: { description: 'A problem (RFC 9457).', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    };
  }
  paths['/events/stream'] = eventStreamPath(catalogue);
  return {
    openapi: '3.1.0',
    info: { title: 'Bistro', version, description: 'One kitchen, six ways to reach it. This is the REST face.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A guest token (POST /guests), a staff key (POST /keys) or the admin token.' } },
      schemas: { Problem: problemSchema, ResyncProblem: resyncProblemSchema },
    },
  };
}
