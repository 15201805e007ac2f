/** `/openapi.json` and a `/docs` page rendered by Swagger UI from the npm package, so it works offline. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Catalogue } from '../../core/core.ts';
import { createOpenApiDocument } from './openapi.ts';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bistro API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs' });</script>
</body>
</html>`;

export async function registerDocs(app: FastifyInstance, catalogue: Catalogue, version: string): Promise<void> {
  const document = JSON.stringify(createOpenApiDocument(catalogue, version));
  app.get('/openapi.json', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(document));
  app.get('/docs', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(docsPage));
  await app.register(fastifyStatic, { root: swaggerUiDir, prefix: '/docs/assets/', decorateReply: false });
}
