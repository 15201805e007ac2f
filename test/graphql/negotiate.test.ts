/** Choosing the response media type from Accept, as the GraphQL-over-HTTP spec and browsers expect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from '../../src/patterns/graphql/graphql-routes.ts';

test('q-values decide, then the more specific range; */* and no Accept mean application/json', () => {
  const cases: [string | undefined, boolean, string][] = [
    [undefined, true, 'json'],
    ['', true, 'json'],
    ['*/*', true, 'json'],
    ['application/*', false, 'json'],
    ['application/graphql-response+json', false, 'graphql-response'],
    ['application/json, application/graphql-response+json', false, 'graphql-response'],
    ['application/graphql-response+json;q=0.5, application/json', false, 'json'],
    ['APPLICATION/GRAPHQL-RESPONSE+JSON', false, 'graphql-response'],
    ['application/graphql-response+json;q=0', false, 'json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true, 'html'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false, 'json'],
    ['image/png', true, 'json'],
    ['text/html;q=0.1, application/json', true, 'json'],
  ];
  for (const [accept, allowHtml, media] of cases) assert.equal(negotiate(accept, allowHtml), media, `Accept: ${accept} (html ${allowHtml})`);
});
