/**
 * The client's types and bindings are generated from the catalogue (scripts/generate-client.ts):
 * this regenerates them and fails when the committed file differs, so the client cannot drift
 * from the server. `npm run client:generate` writes the file again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateClientCatalogue } from '../../scripts/generate-client.ts';
import { operations } from '../../src/operations/index.ts';
import { operationTable } from '../../client/generated/catalogue.ts';

test('client/generated/catalogue.ts is what the catalogue generates today', { timeout: 60_000 }, async () => {
  const committed = readFileSync(new URL('../../client/generated/catalogue.ts', import.meta.url), 'utf8');
  const fresh = await generateClientCatalogue();
  assert.ok(committed === fresh, 'client/generated/catalogue.ts is stale: run `npm run client:generate` and commit the result');
});

test('the client knows every operation of the catalogue, and no other', { timeout: 5_000 }, () => {
  assert.deepEqual(Object.keys(operationTable).sort(), operations.map(({ name }) => name).sort(), 'the generated table names the catalogue’s operations');
});
