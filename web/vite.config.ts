/** Builds the browser UI into web/dist: hashed file names under /assets, so Bistro can serve them with a year-long cache. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  // The page imports the same client a user would install: `bistro/client`; and the lab's result
  // types and charts, browser-safe modules the package exports for the Lab page.
  resolve: {
    alias: { 'bistro/client': here('../client/index.ts'), 'bistro/lab-charts': here('../src/lab/charts.ts'), 'bistro/lab-result': here('../src/lab/lab-result.ts') },
  },
  // React's automatic runtime: no `import React` in every component.
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: here('dist'), emptyOutDir: true, assetsDir: 'assets', sourcemap: true, target: 'es2022' },
  // `npm run dev:web` proxies the API to a node on :3000 so the page can be edited with hot reload.
  server: {
    proxy: Object.fromEntries(['/menu', '/orders', '/guests', '/keys', '/me', '/events', '/webhooks', '/rpc', '/graphql', '/demo', '/lab'].map((path) => [path, { target: 'http://localhost:3000', ws: true }])),
  },
});
