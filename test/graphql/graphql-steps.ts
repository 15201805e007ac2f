/** Steps the GraphQL tests share: send a document over real HTTP, and read its errors. */
import assert from 'node:assert/strict';
import type { TestNode, TestResponse } from '../helpers/node.ts';

export const graphqlResponse = 'application/graphql-response+json';

export interface GraphqlCall {
  variables?: Record<string, unknown>;
  operationName?: string;
  token?: string;
  /** @default application/graphql-response+json */
  accept?: string;
  method?: 'GET' | 'POST';
}

/** POSTs (or GETs, with the parameters in the URL) one GraphQL request. */
export function graphql(node: TestNode, query: string, call: GraphqlCall = {}): Promise<TestResponse> {
  const headers = { accept: call.accept ?? graphqlResponse };
  const token = call.token !== undefined ? { token: call.token } : {};
  if (call.method === 'GET') {
    const params = new URLSearchParams({ query });
    if (call.variables) params.set('variables', JSON.stringify(call.variables));
    if (call.operationName) params.set('operationName', call.operationName);
    return node.request(`/graphql?${params.toString()}`, { headers, ...token });
  }
  return node.request('/graphql', { json: { query, variables: call.variables, operationName: call.operationName }, headers, ...token });
}

/** Runs a document that must succeed completely and returns its data. */
export async function data(node: TestNode, query: string, call: GraphqlCall = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- each test reads its own shape
  const response = await graphql(node, query, call);
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.errors, undefined, response.text);
  return response.body.data;
}

/** Asserts a field error with this catalogue code, and returns the response. */
export async function fieldError(node: TestNode, query: string, code: string, call: GraphqlCall = {}): Promise<TestResponse> {
  const response = await graphql(node, query, call);
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.errors?.[0]?.extensions?.code, code, response.text);
  return response;
}

/** Asserts the request was refused before it ran: 400, no data, this code (and limit, for limits). */
export async function refused(node: TestNode, query: string, limit?: string, call: GraphqlCall = {}): Promise<TestResponse> {
  const response = await graphql(node, query, call);
  assert.equal(response.status, 400, response.text);
  assert.equal(response.headers.get('content-type'), `${graphqlResponse}; charset=utf-8`);
  assert.equal('data' in response.body, false, response.text);
  assert.equal(response.body.errors[0].extensions.code, 'validation_failed', response.text);
  if (limit !== undefined) assert.ok(response.body.errors.some((error: { extensions: { limit?: string } }) => error.extensions.limit === limit), response.text);
  return response;
}

export const fishAndChipsNoSaltTwoFish = {
  menuItemId: 'fish-and-chips',
  quantity: 1,
  adjustments: [
    { ingredient: 'salt', portions: 0 },
    { ingredient: 'fish', portions: 2 },
  ],
};

export const orderFields = 'id guestId table status totalCents version items { menuItemId name quantity note priceCents adjustments { ingredient portions } }';

/** A guest places fish and chips over GraphQL; returns the order. */
export async function placeOrder(node: TestNode, token: string, item: object = fishAndChipsNoSaltTwoFish): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- an order as the test reads it
  const result = await data(node, `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${orderFields} } }`, { token, variables: { input: { items: [item] } } });
  return result.placeOrder;
}
