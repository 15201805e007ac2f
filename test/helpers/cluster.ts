/**
 * A cluster for tests: several Bistro node processes (`bistro serve`, as in production) on one
 * PostgreSQL schema, rung by one Redis bus. Tests drive them over HTTP only.
 */
import { randomBytes } from 'node:crypto';
import { newPlace, postgresSkipReason } from './backends.ts';
import { clientOf, type NodeClient } from './node.ts';
import { startServeProcess, type ServeProcess } from './serve-process.ts';

export const redisUrl = process.env['BISTRO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface ClusterNode extends NodeClient {
  process: ServeProcess;
}

export interface Cluster {
  nodes: ClusterNode[];
  close(): Promise<void>;
}

/** `count` node processes sharing one database; `env` applies to all (e.g. BISTRO_BUS). */
export async function startCluster(count: number, env: Record<string, string> = {}): Promise<Cluster> {
  const place = newPlace('postgres');
  const adminToken = `cluster-admin-${randomBytes(6).toString('hex')}`;
  const processes: ServeProcess[] = [];
  const stopAll = async () => {
    for (const child of processes) await child.stop('SIGTERM');
    await place.remove();
  };
  try {
    // One after another: the first migrates and seeds, the others find it done.
    for (let index = 0; index < count; index++) {
      processes.push(await startServeProcess({ ...place.env, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual', BISTRO_LOG_LEVEL: 'error', ...env }));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    nodes: processes.map((child) => ({ ...clientOf(child.url, adminToken), process: child })),
    close: stopAll,
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
