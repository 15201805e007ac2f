// Lint, including the import rules of ARCHITECTURE.md: each layer may import only what sits below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'test-artifacts/**', 'bench/results/**', 'reports/**', '.stryker-tmp/**', 'eslint.config.js', 'stryker.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Interfaces promise async methods; an implementation that happens not to await is fine.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // The bin is plain JavaScript outside the TypeScript project: linted without type information.
  { files: ['bin/**'], ...tseslint.configs.disableTypeChecked, languageOptions: { parserOptions: { projectService: false } } },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      // Tests read JSON bodies of every shape; asserting their types line by line adds noise, not safety.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  // Rules on our own modules are regular expressions over the import path as written, so each says
  // exactly which relative paths it refuses; test/architecture.test.ts checks every layer with them.
  layer(['src/domain/**'], [
    { regex: '^\\.\\./', message: 'src/domain is pure: nothing outside the domain.' },
    { group: ['node:*', 'fastify', 'kysely', 'better-sqlite3', 'pg', 'ioredis'], message: 'src/domain is pure: no I/O.' },
  ]),
  layer(['src/core/**'], [
    { regex: '^\\.\\./(patterns|store|bus|operations|kitchen)/', message: 'src/core sees the domain and its own interfaces, never a pattern, backend or operation.' },
    { group: ['fastify', 'kysely', 'better-sqlite3', 'pg', 'ioredis'], message: 'src/core uses no framework or database driver.' },
  ]),
  layer(['src/operations/**'], [
    { regex: '^\\.\\./(patterns|store|bus|kitchen)/', message: 'Operations use the core (context.store), never a backend or a pattern.' },
    { group: ['fastify', 'kysely'], message: 'Operations use the core, not a framework.' },
  ]),
  layer(['src/patterns/**'], [
    { regex: '^\\.\\./\\.\\./(store|bus|operations|kitchen)/', message: 'Patterns reach Bistro only through the core: never the store, the bus or the operations.' },
    { regex: '^\\.\\./(?!http/|\\.\\./)', message: 'A pattern does not import another pattern; shared HTTP plumbing lives in patterns/http.' },
    { regex: '^\\.\\./\\.\\./(domain/|core/(?!core\\.ts$))', message: 'Patterns import the core only through its public surface, core/core.ts (it re-exports the domain names they need).' },
    { group: ['kysely', 'better-sqlite3', 'pg', 'ioredis'], message: 'Patterns reach the database only through the core.' },
  ]),
  // The client runs in browsers: no Node.js built-in, no server module, nothing a browser bundle would regret.
  // client/node.ts is the one Node.js entry (it fills in `ws` for Node.js 20).
  {
    ...layer(['client/**'], [
      { regex: '^(\\.\\./)+src/', message: 'The client talks to the server over the wire; it never imports server code (types come from client/generated).' },
      { group: ['node:*', 'ws', 'undici', 'eventsource'], message: 'The client runs in browsers: no Node.js built-in or Node-only library (client/node.ts is the Node entry).' },
    ]),
    ignores: ['client/node.ts'],
  },
  // The web UI is a browser client like any other: it reaches Bistro through bistro/client, never server code.
  layer(['web/src/**'], [
    { regex: '^(\\.\\./)+(src|test)/', message: 'The web UI talks to the server over the wire, through bistro/client.' },
    { regex: '^(\\.\\./)+client/', message: "Import the client as a user would: 'bistro/client'." },
    { group: ['node:*', 'ws', 'undici'], message: 'The web UI runs in browsers.' },
  ]),
  layer(['src/store/**'], [{ regex: '^(\\.\\./)+(patterns|bus|operations|kitchen)/', message: 'A store implements core/store.ts and nothing else.' }]),
  layer(['src/bus/**'], [{ regex: '^(\\.\\./)+(patterns|store|operations|kitchen)/', message: 'A bus implements the core bus interface and nothing else.' }]),
);
