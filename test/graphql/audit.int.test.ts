/**
 * The GraphQL-over-HTTP conformance audit of the graphql-http package, run against a real node:
 * every MUST, SHOULD and MAY passes (the MAYs were a non-map `extensions`, answered 200 before),
 * so conformance cannot regress unnoticed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { auditServer } from 'graphql-http';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphql } from './graphql-steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('the graphql-http server audit passes every MUST, SHOULD and MAY', async () => {
  const results = await auditServer({ url: `${node.url}/graphql` });
  assert.ok(results.length >= 60, `the audit ran (${results.length} results)`);
  const failures = results.filter((result) => result.status !== 'ok').map((result) => `${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
  assert.deepEqual(failures, [], `audit failures:\n${failures.join('\n')}`);
});

test('extensions that are not a map are 400 by GET too; a map or null is accepted (and ignored)', async () => {
  for (const extensions of ['5', '"x"', '[1]', 'true', 'not json']) {
    const response = await node.request(`/graphql?${new URLSearchParams({ query: '{ __typename }', extensions }).toString()}`, { headers: { accept: 'application/json' } });
    assert.equal(response.status, 400, `extensions=${extensions}: ${response.text}`);
    assert.equal(response.body.errors[0].extensions.code, 'validation_failed', response.text);
  }
  const accepted = await node.request(`/graphql?${new URLSearchParams({ query: '{ __typename }', extensions: '{"persistedQuery":null}' }).toString()}`);
  assert.equal(accepted.status, 200, accepted.text);
  const posted = await node.request('/graphql', { json: { query: '{ __typename }', extensions: null } });
  assert.deepEqual(posted.body, { data: { __typename: 'Query' } }, posted.text);
  const plain = await graphql(node, '{ __typename }', { accept: 'application/graphql-response+json' });
  assert.equal(plain.status, 200, plain.text);
});
