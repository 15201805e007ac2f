/** Staff moving an order through the lifecycle. */
import { Type } from '@sinclair/typebox';
import { defineOperation, staff } from '../core/operation.ts';
import { moveOrder, orderSubject } from './order-access.ts';
import { ExpectedVersion, Id, Order, OrderStatus, Strict } from './schemas.ts';

export const setOrderStatus = defineOperation({
  name: 'orders.setStatus',
  summary: 'Move an order to its next status',
  kind: 'command',
  input: Strict({ id: Id, status: OrderStatus, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: Order,
  roles: staff,
  errors: ['invalid_transition'],
  rest: { method: 'PUT', path: '/orders/{id}/status', ifMatch: 'optional' },
  graphql: { field: 'setOrderStatus' },
  subjectOf: ({ id }) => orderSubject(id),
  handler: (context, { id, status, expectedVersion }) => moveOrder(context, id, status, expectedVersion),
});
