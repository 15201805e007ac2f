/**
 * How to run the `bistro` command line from inside it: the lab starts its own node, and the web
 * UI's Lab page starts a lab, each as a child process. Built (`dist/cli.js`) runs as plain
 * JavaScript; from source (`src/cli.ts`, as tests and `bin/bistro.js` run it) needs tsx's loader.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json: this module is at src/lab/ from source, or bundled into dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export function bistroCommand(args: readonly string[]): { command: string; args: string[]; cwd: string } {
  const root = packageRoot();
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = fromSource ? ['--import', 'tsx', join(root, 'src', 'cli.ts')] : [join(root, 'dist', 'cli.js')];
  return { command: process.execPath, args: [...entry, ...args], cwd: root };
}
