/** Several test nodes on one PostgreSQL schema, rung by one Redis bus: a cluster in one process. */
import { newPlace, postgresSkipReason } from './backends.ts';
import { startTestNode, type TestNode } from './node.ts';

export const redisUrl = process.env['BISTRO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface Cluster {
  nodes: TestNode[];
  close(): Promise<void>;
}

/** `count` nodes sharing one database; `env` applies to all (e.g. BISTRO_BUS). */
export async function startCluster(count: number, env: Record<string, string> = {}): Promise<Cluster> {
  const place = newPlace('postgres');
  const nodes: TestNode[] = [];
  try {
    // One after another: the first migrates and seeds, the others find it done.
    for (let index = 0; index < count; index++) nodes.push(await startTestNode(env, {}, place));
  } catch (error) {
    for (const node of nodes) await node.close();
    await place.remove();
    throw error;
  }
  return {
    nodes,
    async close() {
      for (const node of nodes) await node.close();
      await place.remove();
    },
  };
}

/** Why cluster tests are skipped here (no PostgreSQL or no Redis), or undefined when they run; under CI=true they always run. */
export async function clusterSkipReason(): Promise<string | undefined> {
  const postgres = await postgresSkipReason();
  if (postgres) return postgres;
  if (process.env['CI'] === 'true') return undefined;
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch {
    return `no Redis at ${redisUrl}: start it (redis-server --daemonize yes) or set BISTRO_TEST_REDIS_URL`;
  } finally {
    client.disconnect();
  }
}
