// The one adapter between the two database engines: embedded PGlite (+ PostGIS in WebAssembly)
// and a real PostgreSQL/PostGIS server. Everything above this file sees only a Kysely instance,
// plus LISTEN/NOTIFY for change events; no repository branches on the engine.
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { PgliteDialect } from './pgliteDialect.ts';

export type EngineName = 'embedded' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: EngineName;
  /** Where the data lives, for logs: a directory or host:port/dbname (never a password). */
  location: string;
  /** Subscribe to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Raw SQL for the job queue library (server/jobs/queue.ts), which speaks `executeSql(text, values)`:
   * on the server engine a small pool of its own, on the embedded engine the one PGlite connection,
   * taken in turn with every Kysely query and transaction (never inside someone else's transaction).
   * Text without values may hold several statements.
   */
  queueSql(poolMax: number): QueueSql;
  close(): Promise<void>;
}

export interface QueueSql {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  close(): Promise<void>;
}

/** A startup failure that has one clear line for the operator. */
export class DatabaseStartupError extends Error {}

// Counts and sums come back as JS numbers on both engines.
const INT8 = 20;
const NUMERIC = 1700;
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(NUMERIC, (v) => Number(v));

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function openDatabase(options: { databaseUrl?: string; dataDir: string; poolMax?: number }): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolMax ?? 10) : openEmbedded(options.dataDir);
}

async function openPostgres(url: string, poolMax: number): Promise<DatabaseHandle> {
  const location = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolMax });
  pool.on('error', () => { /* a broken idle client is replaced on next use */ });
  try {
    const client = await pool.connect();
    try {
      const { rows } = await client.query(
        "select exists (select 1 from pg_available_extensions where name = 'postgis') as has_postgis, current_setting('server_version_num')::int as version",
      );
      if (rows[0].version < 150000) {
        throw new DatabaseStartupError(`PostgreSQL at ${location} is version ${rows[0].version}; version 15 or newer is required`);
      }
      if (!rows[0].has_postgis) {
        throw new DatabaseStartupError(
          `PostgreSQL at ${location} has no PostGIS extension: install it on the server (Debian: apt-get install postgresql-15-postgis-3)`,
        );
      }
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof DatabaseStartupError) throw err;
    const reason = err instanceof Error ? err.message.replace(url, '[DATABASE_URL]') : String(err);
    throw new DatabaseStartupError(`Cannot reach the database at ${location}: ${reason}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    location,
    async listen(channel, onPayload) {
      return listenWithReconnect(url, channel, onPayload);
    },
    queueSql(max) {
      const own = new pg.Pool({ connectionString: url, max, application_name: 'jobs' });
      own.on('error', () => { /* replaced on next use */ });
      return {
        executeSql: (text, values) => own.query(text, values),
        close: () => own.end(),
      };
    },
    async close() { await db.destroy(); },
  };
}

/** A dedicated LISTEN connection that comes back by itself after the server restarts. */
async function listenWithReconnect(url: string, channel: string, onPayload: (payload: string) => void) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => { if (msg.channel === channel) onPayload(msg.payload ?? ''); });
    c.on('error', () => { c.end().catch(() => {}); scheduleRetry(); });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = c;
      // Anything may have changed while we were disconnected.
      onPayload('{"kind":"resync"}');
    } catch {
      c.end().catch(() => {});
      scheduleRetry();
    }
  };
  const scheduleRetry = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => { retryTimer = undefined; void connect(); }, 1000);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    await client?.end().catch(() => {});
  };
}

const LOCK_FILE = 'service.lock';

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** PGlite has no lock of its own: two processes on one directory would corrupt it. */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(fs.readFileSync(lockPath, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
      throw new DatabaseStartupError(
        `The embedded database at ${dataDir} is in use by another running instance (pid ${holder}); stop it or set DATA_DIR to another directory`,
      );
    }
    fs.writeFileSync(lockPath, String(process.pid));
  }
  return () => { try { fs.unlinkSync(lockPath); } catch { /* already gone */ } };
}

/**
 * PGlite runs initdb in any directory that has no PG_VERSION, over whatever is there: a damaged data
 * directory would come back as a new, empty database and the service would start empty. Refuse instead;
 * only a missing or empty directory is a new database.
 */
function checkDataDir(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  const entries = fs.readdirSync(dataDir).filter((f) => f !== LOCK_FILE);
  if (entries.length === 0) return;
  const missing = ['PG_VERSION', 'global', 'base'].filter((f) => !entries.includes(f));
  if (missing.length) {
    throw new DatabaseStartupError(
      `The directory ${dataDir} is not a complete embedded database (missing ${missing.join(', ')}); it may be corrupted or belong to something else. `
      + 'The service does not start on it, so that it never starts empty: restore a backup into a new DATA_DIR ("npm run restore"), or run "npm run db:reset"',
    );
  }
}

async function openEmbedded(dataDir: string): Promise<DatabaseHandle> {
  checkDataDir(dataDir);
  const unlock = lockDataDir(dataDir);
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  let pglite: InstanceType<typeof PGlite>;
  try {
    pglite = await PGlite.create({
      dataDir,
      extensions: { postgis },
      parsers: { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) },
    });
    await pglite.query('select 1');
  } catch (err) {
    unlock();
    const reason = err instanceof Error ? err.message : (() => { try { return JSON.stringify(err); } catch { return String(err); } })();
    throw new DatabaseStartupError(
      `The embedded database at ${dataDir} cannot be opened (${reason}); it may be corrupted: restore a backup or run "npm run db:reset"`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
  return {
    db,
    engine: 'embedded',
    location: dataDir,
    async listen(channel, onPayload) {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return async () => { await unsubscribe(); };
    },
    queueSql() {
      return {
        // db.connection() holds the dialect's mutex for the call: no other query or transaction runs meanwhile.
        executeSql: (text, values) => db.connection().execute(async () => {
          if (values && values.length) return pglite.query(text, values);
          const results = await pglite.exec(text);
          return { rows: results.length ? results[results.length - 1].rows : [] };
        }),
        close: async () => {},
      };
    },
    async close() {
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

/** Checks that PostGIS answers (the first call on PGlite also loads it). */
export async function postgisVersion(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ v: string }>`select postgis_lib_version() as v`.execute(db);
  return rows[0].v;
}
