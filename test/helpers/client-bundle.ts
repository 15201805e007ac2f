/** Bundles `bistro/client` for browsers with esbuild, as a web app's bundler would, refusing any Node.js built-in. */
import { build, type Metafile } from 'esbuild';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../client/index.ts', import.meta.url));

export interface ClientBundle {
  /** An IIFE that sets `globalThis.Bistro` to the client's exports. */
  code: string;
  bytes: number;
  /** Every input file, as esbuild saw it (to show what the bundle pulls in). */
  inputs: string[];
  metafile: Metafile;
}

export async function bundleClient(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'Bistro',
    target: 'es2022',
    minify: true,
    metafile: true,
    // A built-in, with or without `node:`, must fail the build rather than be left as an import a browser cannot load.
    external: [],
    logLevel: 'silent',
    plugins: [
      {
        name: 'no-node-builtins',
        setup(plugin) {
          const names = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
          plugin.onResolve({ filter: /.*/ }, (args) => (names.has(args.path) || args.path.startsWith('node:') ? { errors: [{ text: `${args.importer} imports the Node.js built-in "${args.path}"` }] } : undefined));
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, bytes: Buffer.byteLength(code), inputs: Object.keys(result.metafile.inputs), metafile: result.metafile };
}
