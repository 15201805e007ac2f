/** The README's generated parts match the code: run `npm run docs` when this fails. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { withErrorTable } from '../../src/domain/error-table.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README error table is the error catalogue (npm run docs rewrites it)', () => {
  assert.equal(readme, withErrorTable(readme), 'README.md is out of date: run npm run docs');
  for (const code of Object.keys(errorCatalogue)) assert.ok(readme.includes(`| \`${code}\` |`), `the README lists ${code}`);
});

test('a README without the markers is refused, not silently left alone', () => {
  assert.throws(() => withErrorTable('# no table here'), /markers/, 'missing markers are an error');
});
