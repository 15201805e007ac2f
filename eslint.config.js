// Lint, including the import rules of ARCHITECTURE.md: each layer may import only what sits below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'bench/results/**', 'reports/**', '.stryker-tmp/**', 'eslint.config.js', 'stryker.config.mjs'] },
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
  layer(['src/domain/**'], [{ group: ['../*', '!../domain', 'node:*', 'fastify', 'kysely', 'better-sqlite3', 'pg'], message: 'src/domain is pure: no I/O and nothing outside the domain.' }]),
  layer(['src/core/**'], [{ group: ['**/patterns/**', '**/store/**', '**/bus/**', '**/operations/**', 'fastify', 'kysely', 'better-sqlite3', 'pg', 'ioredis'], message: 'src/core sees the domain and its own interfaces, never a pattern, backend or operation.' }]),
  layer(['src/operations/**'], [{ group: ['**/patterns/**', '**/store/**', '**/bus/**', 'fastify', 'kysely'], message: 'Operations use the core (context.store), never a backend or a pattern.' }]),
  layer(['src/patterns/**'], [
    { group: ['**/store/**', '**/bus/**', '**/operations/**', 'kysely', 'better-sqlite3', 'pg', 'ioredis'], message: 'Patterns reach Bistro only through the core: never the store, the bus or the operations.' },
    { group: ['../rest/**', '../rpc/**', '../graphql/**', '../websocket/**', '../sse/**', '../polling/**', '../webhooks/**'], message: 'A pattern does not import another pattern; shared HTTP plumbing lives in patterns/http.' },
  ]),
  layer(['src/store/**'], [{ group: ['**/patterns/**', '**/bus/**', '**/operations/**'], message: 'A store implements core/store.ts and nothing else.' }]),
  layer(['src/bus/**'], [{ group: ['**/patterns/**', '**/store/**', '**/operations/**'], message: 'A bus implements the core bus interface and nothing else.' }]),
);
