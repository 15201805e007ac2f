/**
 * Baseline: mercurius (GraphQL for Fastify) with `jit: 1`, on a bare Fastify, serving Bistro's own
 * schema. Each root field Bistro answered resolves to the very object Bistro answered, so
 * mercurius parses, validates, executes (compiled after the first call) and serialises the same result.
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { printSchema } from 'graphql';
import { operations } from '../src/operations/index.ts';
import { createGraphqlSchema } from '../src/patterns/graphql/schema.ts';
import { announce, readAnswers } from './baseline-answers.ts';

const roots: Record<string, () => unknown> = {};
for (const answer of await readAnswers()) {
  const data = (JSON.parse(answer.body) as { data?: Record<string, unknown> | null }).data;
  for (const [field, value] of Object.entries(data ?? {})) roots[field] = () => value;
}

// The SDL of Bistro's generated schema: mercurius builds its own executable schema from it.
const typeDefs = printSchema(createGraphqlSchema(operations));
const app = Fastify({ logger: false });
await app.register(mercurius, { schema: typeDefs, resolvers: { Query: roots }, jit: 1, graphiql: false });
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address());
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
