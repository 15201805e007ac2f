/** `/openapi.json` and a `/docs` page rendered by Swagger UI from the npm package, so it works offline. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Catalogue } from '../../core/core.ts';
import { createOpenApiDocument } from './openapi.ts';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** Every pattern on one screen, with a line to try it; the operations follow, from OpenAPI. */
const patterns = `<section id="patterns" style="font-family: sans-serif; max-width: 1100px; margin: 1em auto; padding: 0 20px">
  <h1>Bistro: one kitchen, every pattern</h1>
  <p>Every pattern reads the same event log with the same cursor (an event's <code>sequence</code>); a token travels as <code>Authorization: Bearer …</code>, or as <code>?token=</code> where a browser cannot set headers.</p>
  <table>
    <tr><th align="left">pattern</th><th align="left">where</th><th align="left">try it</th></tr>
    <tr><td>REST</td><td><code>/menu</code>, <code>/orders</code>, … (below)</td><td><code>curl -si localhost:3000/orders/ord_… -H 'if-none-match: "12"'</code> → 304 while unchanged</td></tr>
    <tr><td>Short polling</td><td><code>GET /events?after=</code></td><td><code>curl -s 'localhost:3000/events?after=0&amp;types=order.ready'</code></td></tr>
    <tr><td>Long polling</td><td><code>Prefer: wait=N</code> or <code>?wait=N</code> (N ≤ 60)</td><td><code>curl -s 'localhost:3000/events?after=12&amp;wait=30'</code></td></tr>
    <tr><td>Server-Sent Events</td><td><code>GET /events/stream?after=&amp;types=</code></td><td><code>curl -sN 'localhost:3000/events/stream?after=12&amp;token=…'</code></td></tr>
    <tr><td>JSON-RPC 2.0</td><td><code>POST /rpc</code> (<code>rpc.discover</code>: OpenRPC)</td><td><code>curl -s localhost:3000/rpc -d '{"jsonrpc":"2.0","id":1,"method":"menu.list"}' -H 'content-type: application/json'</code></td></tr>
    <tr><td>WebSocket</td><td><code>/ws</code>: JSON-RPC both ways</td><td><code>websocat 'ws://localhost:3000/ws?token=…'</code> then <code>{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{"after":"12"}}</code></td></tr>
    <tr><td>GraphQL</td><td><a href="/graphql">/graphql</a> (GraphiQL), subscriptions over <code>graphql-transport-ws</code></td><td><code>subscription { order(id: "ord_…") { status } }</code></td></tr>
  </table>
</section>`;

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bistro API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  ${patterns}
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
