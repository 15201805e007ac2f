/**
 * The browser UI at `/`: web/dist as Vite built it. Hashed files under /assets never change, so
 * they are cached for a year; index.html is revalidated on every visit so a new build shows at once.
 * The page may load and connect to nothing but this node (Content-Security-Policy).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const immutableCache = 'public, max-age=31536000, immutable';

/** Same origin only; `connect-src 'self'` covers this node's ws: URLs too (CSP Level 3). */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bistro</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>Bistro is running, but its web UI is not built here</h1>
<p><code>npm install</code> builds it (the <code>prepare</code> script); <code>npm run build</code> builds it again.
The API is all here meanwhile: <a href="/docs">/docs</a>, <a href="/graphql">GraphiQL</a>, <a href="/openrpc.json">OpenRPC</a>.</p>
</body></html>`;

/** `webRoot` is web/dist; when it holds no build, `/` says how to make one instead of a bare 404. */
export async function registerWebUi(app: FastifyInstance, webRoot: string): Promise<void> {
  const indexFile = join(webRoot, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  app.get('/', async (_request, reply) => {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    return index === undefined ? reply.code(503).send(notBuilt) : reply.send(index);
  });
  if (index === undefined) return;
  await app.register(fastifyStatic, {
    root: join(webRoot, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    // The file name carries its content hash: a changed file is a new URL.
    cacheControl: false,
    setHeaders: (response) => {
      response.header('cache-control', immutableCache);
      response.header('x-content-type-options', 'nosniff');
    },
  });
}
