/**
 * The write baseline of `scale.write`: a plain insert loop on PostgreSQL, pinned like Bistro. A `pg`
 * Pool of Bistro's size (10) and `concurrency` workers, each inserting one `orders` row and one
 * `events` row in one transaction, again and again — the rows Bistro wrote for one order, with
 * fresh ids of the same length. Its tables are copies of Bistro's (`like … including all`: same
 * columns, indexes and unique constraints) in a schema of its own, except that `events.seq` comes
 * from a plain sequence: no advisory lock, so no commit order. No HTTP, no auth, no menu reads.
 * One JSON command per stdin line, one JSON answer per stdout line.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { answerCommands, isMain } from './command-loop.ts';
import { percentile } from './bench-http.ts';

export interface InsertLoopSetup {
  op: 'setup';
  url: string;
  /** Bistro's schema, whose tables are copied (empty) and whose newest order and event are repeated. */
  from: string;
  /** The baseline's own schema, created here and dropped by `close`. */
  schema: string;
  poolSize: number;
}

export interface InsertLoopRun {
  op: 'run';
  seconds: number;
  concurrency: number;
}

export interface InsertLoopAnswer {
  ok: number;
  errors: number;
  firstError: string | null;
  durationSeconds: number;
  /** Orders (transactions) committed per second. */
  rps: number;
  latencyMs: { p50: number; p99: number };
}

export type InsertLoopCommand = InsertLoopSetup | InsertLoopRun | { op: 'close' };

type Row = Record<string, unknown>;

let pool: pg.Pool | undefined;
let schema = '';
let order: Row = {};
let event: Row = {};
let orderSql = '';
let eventSql = '';

const sameLength = (id: string) => {
  const cut = id.indexOf('_') + 1;
  return id.slice(0, cut) + randomBytes(id.length).toString('hex').slice(0, id.length - cut);
};

async function setup(command: InsertLoopSetup): Promise<{ orderBytes: number; eventBytes: number }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(command.schema) || !/^[a-z_][a-z0-9_]{0,62}$/.test(command.from)) throw new Error('bad schema name');
  schema = command.schema;
  pool = new pg.Pool({ connectionString: command.url, max: command.poolSize, idleTimeoutMillis: 0, application_name: 'bench-insert-loop' });
  const from = command.from;
  await pool.query(`create schema ${schema}`);
  await pool.query(`create table ${schema}.orders (like ${from}.orders including all)`);
  await pool.query(`create sequence ${schema}.events_seq`);
  await pool.query(`create table ${schema}.events (like ${from}.events including all)`);
  await pool.query(`alter table ${schema}.events alter column seq set default nextval('${schema}.events_seq')`);
  const orders = await pool.query<Row>(`select * from ${from}.orders order by created_at desc limit 1`);
  const events = await pool.query<Row>(`select * from ${from}.events where type = 'order.placed' order by seq desc limit 1`);
  if (!orders.rows[0] || !events.rows[0]) throw new Error(`no order or no order.placed event in ${from} to repeat`);
  order = orders.rows[0];
  const { seq: _seq, ...withoutSeq } = events.rows[0];
  event = withoutSeq;
  const insert = (table: string, row: Row) => `insert into ${schema}.${table} (${Object.keys(row).join(', ')}) values (${Object.keys(row).map((_, index) => `$${index + 1}`).join(', ')})`;
  orderSql = insert('orders', order);
  eventSql = insert('events', event);
  return { orderBytes: JSON.stringify(order).length, eventBytes: JSON.stringify(event).length };
}

async function placeOne(): Promise<void> {
  const client = await (pool as pg.Pool).connect();
  try {
    await client.query('begin');
    await client.query(orderSql, Object.values({ ...order, id: sameLength(String(order['id'])) }));
    await client.query(eventSql, Object.values({ ...event, id: sameLength(String(event['id'])) }));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function run(command: InsertLoopRun): Promise<InsertLoopAnswer> {
  if (!pool) throw new Error('run before setup');
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const end = started + command.seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const at = performance.now();
      try {
        await placeOne();
        latencies.push(performance.now() - at);
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  const durationSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(percentile(latencies, p) * 1000) / 1000;
  return { ok: latencies.length, errors, firstError, durationSeconds, rps: Math.round(latencies.length / durationSeconds), latencyMs: { p50: at(50), p99: at(99) } };
}

async function close(): Promise<void> {
  if (!pool) return;
  await pool.query(`drop schema if exists ${schema} cascade`).catch(() => {});
  await pool.end();
  pool = undefined;
}

export async function handle(command: InsertLoopCommand): Promise<unknown> {
  if (command.op === 'setup') return setup(command);
  if (command.op === 'run') return run(command);
  await close();
  return {};
}

if (isMain(import.meta.url)) answerCommands<InsertLoopCommand>(handle, close);
