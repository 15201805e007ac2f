/** Getting in: guests register at their table; admins issue staff keys. Tokens are shown once and stored hashed. */
import { Type } from '@sinclair/typebox';
import { BistroError, invalid } from '../domain/errors.ts';
import { adminOnly, allRoles, defineOperation, signedIn } from '../core/operation.ts';
import { hashToken, newToken } from '../core/ids.ts';
import { Id, Role, StaffRole, Strict } from './schemas.ts';

const Name = Type.String({ minLength: 1, maxLength: 80 });

export const registerGuest = defineOperation({
  name: 'guests.register',
  summary: 'Sit down at a table and get a guest token',
  kind: 'command',
  input: Strict({ table: Type.Integer({ minimum: 1, maximum: 999 }), name: Name }),
  output: Strict(
    {
      guest: Strict({ id: Id, table: Type.Integer(), name: Type.String() }, { title: 'Guest' }),
      token: Type.String({ description: 'Shown once: send it as Authorization: Bearer <token>.' }),
    },
    { title: 'GuestRegistration' },
  ),
  roles: allRoles,
  rest: { method: 'POST', path: '/guests', status: 201, location: (out: { guest: { id: string } }) => `/guests/${out.guest.id}` },
  graphql: { field: 'registerGuest' },
  async handler(context, { table, name }) {
    if (name.trim() === '') throw invalid('/name', 'a name needs some letters');
    const id = context.newId('gst');
    const token = newToken('bg');
    await context.store.principals.insert({ id, role: 'guest', name, table, tokenHash: hashToken(token), createdAt: context.now });
    return { guest: { id, table, name }, token };
  },
});

export const createKey = defineOperation({
  name: 'keys.create',
  summary: 'Issue a staff key (admin)',
  kind: 'command',
  input: Strict({ role: StaffRole, name: Name }),
  output: Strict({ id: Id, role: StaffRole, name: Type.String(), token: Type.String() }, { title: 'StaffKey' }),
  roles: adminOnly,
  rest: { method: 'POST', path: '/keys', status: 201, location: (key: { id: string }) => `/keys/${key.id}` },
  graphql: { field: 'createKey' },
  async handler(context, { role, name }) {
    const id = context.newId('key');
    const token = newToken('bk');
    await context.store.principals.insert({ id, role, name, table: null, tokenHash: hashToken(token), createdAt: context.now });
    return { id, role, name, token };
  },
});

export const revokeKey = defineOperation({
  name: 'keys.revoke',
  summary: 'Revoke a staff key (admin): its token stops working and its open connections close',
  kind: 'command',
  input: Strict({ id: Id }),
  output: Type.Null(),
  roles: adminOnly,
  rest: { method: 'DELETE', path: '/keys/{id}', status: 204 },
  graphql: { field: 'revokeKey' },
  subjectOf: ({ id }) => `keys/${id}`,
  async handler(context, { id }) {
    const key = await context.store.principals.get(id);
    if (!key || key.role === 'guest') throw new BistroError('not_found', `There is no staff key ${id}.`);
    await context.store.principals.delete(id);
    // Its bells go with it: a revoked key must not go on hearing what happens.
    await context.store.webhooks.deleteByOwner(id);
    context.emit({ type: 'key.revoked', subject: `keys/${id}`, data: { id, role: key.role, name: key.name }, audience: 'staff' });
    return null;
  },
});

export const whoAmI = defineOperation({
  name: 'me.get',
  summary: 'Who this token belongs to: its id, role, name and (for a guest) table',
  kind: 'query',
  input: Strict({}),
  output: Strict({ id: Id, role: Role, name: Type.String(), table: Type.Union([Type.Integer(), Type.Null()]) }, { title: 'Me' }),
  // A staff member signing in to the web UI pastes a key and needs to know which screens it opens.
  roles: signedIn,
  rest: { method: 'GET', path: '/me' },
  graphql: { field: 'me' },
  async handler({ principal }) {
    // The roles above keep anonymous callers out before this runs; the check tells the compiler so.
    if (principal.role === 'anonymous') throw new BistroError('unauthorized', 'Send a token to learn whose it is.');
    return { id: principal.id, role: principal.role, name: principal.name, table: principal.table ?? null };
  },
});
