/** If-Match and If-None-Match values as RFC 9110 §13.1 reads them: lists, `*`, weak tags, and members that are no tags. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyTagMatches, ifMatchTags } from '../../src/patterns/rest/etag.ts';

test('If-Match: every strong tag of ours in a list, in order', () => {
  assert.deepEqual(ifMatchTags('"7"'), [7], 'one tag');
  assert.deepEqual(ifMatchTags('"bogus", "42"'), [42], 'a tag not of ours is skipped, the next still counts');
  assert.deepEqual(ifMatchTags('"3","4" ,\t"5"'), [3, 4, 5], 'any spacing around the commas');
  assert.deepEqual(ifMatchTags('"1", "2"'), [1, 2], 'several of ours');
});

test('If-Match compares strongly: a weak tag never matches', () => {
  assert.deepEqual(ifMatchTags('W/"42"'), [], 'weak alone');
  assert.deepEqual(ifMatchTags('W/"42", "43"'), [43], 'weak in a list');
});

test('If-Match: * is any current representation', () => {
  assert.equal(ifMatchTags('*'), 'any', 'alone');
  assert.equal(ifMatchTags(' * '), 'any', 'with spaces');
});

test('members that are not entity tags match nothing and do not hide the others', () => {
  assert.deepEqual(ifMatchTags('42'), [], 'unquoted');
  assert.deepEqual(ifMatchTags('"a,b", "9"'), [9], 'a quoted comma stays inside its tag');
  assert.deepEqual(ifMatchTags('"9" junk, "10"'), [10], 'a member with trailing junk is dropped whole');
  assert.deepEqual(ifMatchTags(''), [], 'empty');
  assert.deepEqual(ifMatchTags(',,'), [], 'only commas');
  assert.deepEqual(ifMatchTags('"9999999999999999"'), [], 'longer than any sequence we hand out');
});

test('If-None-Match compares weakly, in a list, and * matches', () => {
  assert.equal(anyTagMatches('"other", "42"', '"42"'), true, 'a later member');
  assert.equal(anyTagMatches('W/"42"', '"42"'), true, 'a weak copy');
  assert.equal(anyTagMatches('*', '"42"'), true, 'star');
  assert.equal(anyTagMatches('"41"', '"42"'), false, 'another tag');
  assert.equal(anyTagMatches(undefined, '"42"'), false, 'no header');
  assert.equal(anyTagMatches('"a,b"', '"a,b"'), true, 'a tag with a comma in it');
});
