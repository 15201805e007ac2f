/** The operation catalogue: operations by name, each with its validator compiled once; a name declared twice is a bug at start-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createCatalogue } from '../../src/core/catalogue.ts';
import { adminOnly, allRoles, defineOperation, signedIn, staff } from '../../src/core/operation.ts';
import { BistroError } from '../../src/domain/errors.ts';
import { staffRoles } from '../../src/domain/roles.ts';

const ping = defineOperation({
  name: 'health.ping',
  summary: 'Answers pong.',
  kind: 'query',
  input: Type.Object({ echo: Type.String() }, { additionalProperties: false }),
  output: Type.String(),
  roles: allRoles,
  handler: async (_context, input) => input.echo,
});
const shout = defineOperation({ ...ping, name: 'health.shout', summary: 'Answers PONG.' });

test('each operation is found by its name, with a validator for its input', () => {
  const catalogue = createCatalogue([ping, shout]);
  const entry = catalogue.get('health.ping');
  assert.equal(entry?.operation, ping, 'the operation');
  assert.doesNotThrow(() => entry?.validate({ echo: 'hi' }), 'a valid input');
  assert.throws(() => entry?.validate({ echo: 1 }), (error: unknown) => error instanceof BistroError && error.code === 'validation_failed', 'an invalid input');
  assert.equal(catalogue.get('health.shout')?.operation, shout, 'the other operation');
});

test('an unknown name finds nothing', () => {
  assert.equal(createCatalogue([ping]).get('orders.teleport'), undefined, 'no such operation');
});

test('the catalogue lists every operation in the order declared', () => {
  assert.deepEqual(createCatalogue([shout, ping]).list(), [shout, ping], 'the list');
});

test('a name declared twice stops the catalogue being built', () => {
  assert.throws(() => createCatalogue([ping, shout, { ...ping }]), /^Error: operation health\.ping is declared twice$/, 'the duplicate is named');
});

test('defineOperation hands back the operation as declared', () => {
  assert.equal(defineOperation(ping), ping, 'the same object');
});

test('role groups nest: admin-only within staff within signed-in within everyone', () => {
  assert.deepEqual([...allRoles], ['anonymous', 'guest', 'waiter', 'kitchen', 'admin'], 'everyone');
  assert.deepEqual([...signedIn], ['guest', 'waiter', 'kitchen', 'admin'], 'signed in');
  assert.deepEqual([...staff], [...staffRoles], 'staff, as the domain says');
  assert.deepEqual([...adminOnly], ['admin'], 'admin only');
});
