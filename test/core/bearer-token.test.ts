/** Reading a token out of an Authorization header (Bearer only, any case) and out of GraphQL's connectionParams (Bearer or bare). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, tokenOfParameter } from '../../src/core/auth.ts';
import { BistroError } from '../../src/domain/errors.ts';

const unauthorized = (error: unknown) => error instanceof BistroError && error.code === 'unauthorized';

test('the Bearer scheme is read in any case, with one or more spaces before the token', () => {
  for (const header of ['Bearer abc', 'bearer abc', 'BEARER abc', 'Bearer   abc', ' Bearer abc ', 'Bearer\tabc']) assert.equal(bearerToken(header), 'abc', JSON.stringify(header));
});

test('a header without the Bearer scheme is unauthorized, even when it holds a token', () => {
  for (const header of ['abc', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearerabc', 'Bearer a b', 'Token abc']) {
    assert.throws(() => bearerToken(header), unauthorized, JSON.stringify(header));
  }
});

test('connectionParams.authorization takes the header form or the bare token', () => {
  assert.equal(tokenOfParameter('Bearer abc'), 'abc', 'the header form');
  assert.equal(tokenOfParameter('bearer abc'), 'abc', 'in any case');
  assert.equal(tokenOfParameter('abc'), 'abc', 'the bare token');
  assert.throws(() => tokenOfParameter('Bearer a b'), unauthorized, 'a broken header form is not taken for a token');
});
