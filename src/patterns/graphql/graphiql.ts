/**
 * GraphiQL for browsers at `/graphql`, with React, ReactDOM and GraphiQL served from node_modules
 * under `/graphql/assets/` so the page works offline and loads nothing from a CDN.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { BistroError } from '../../core/core.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Only these files are served: a fixed list, so no path from a URL ever reaches the file system. */
const assets: Record<string, { file: string; type: string }> = {
  'graphiql.min.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
  'react.production.min.js': { file: join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
};

const defaultQuery = `# Bistro over GraphQL. Guests: add {"Authorization": "Bearer <token>"} under Headers.
{
  menu {
    id
    name
    priceCents
    ingredients { name portions min max }
  }
}
`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bistro GraphQL</title>
  <link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphql/assets/react.production.min.js"></script>
  <script src="/graphql/assets/react-dom.production.min.js"></script>
  <script src="/graphql/assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)}, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;

export function sendGraphiql(reply: FastifyReply): FastifyReply {
  return reply.header('content-type', 'text/html; charset=utf-8').header('vary', 'accept').send(page);
}

export function registerGraphiqlAssets(app: FastifyInstance): void {
  app.get('/graphql/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const asset = Object.hasOwn(assets, file) ? assets[file] : undefined;
    if (!asset) throw new BistroError('not_found', 'GraphiQL has no such asset.');
    // The files change only with a package upgrade; a day keeps reloads cheap without going stale for long.
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=86400').send(createReadStream(asset.file));
  });
}
