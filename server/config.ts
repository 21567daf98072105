// Every setting of the service, read from the environment in this one place.
// Each one is documented in README.md ("Settings"); defaults work out of the box.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AppConfig {
  port: number;
  host: string;
  /** postgres://… for a real PostGIS server; undefined = embedded PGlite. */
  databaseUrl: string | undefined;
  /** Directory of the embedded database (PGlite). */
  dataDir: string;
  /** Base URL printed in QR codes and links (boards are read from phones, not from this host). */
  publicBaseUrl: string;
  /** Maximum distance (m) a point may be moved to reach the walking network. */
  maxSnapM: number;
  /** How far (m) a record may lie outside its street's or community's area before the check objects. */
  areaToleranceM: number;
  /** Beyond this distance (m) outside an approximate area, the check refuses as it would for an official one. */
  areaApproximateMarginM: number;
  /** Whether session cookies are marked Secure (browsers accept Secure cookies on http://localhost). */
  cookieSecure: boolean;
  logLevel: string;
  /** Load the sample data set into an empty database. */
  loadSample: boolean;
  dataRoot: string;
  /** The district file (server/district.ts): names, time zone, extent, divisions and network files. */
  districtFile: string;
  /** Event-loop delay (ms) beyond which requests get 503 (0 turns the check off). */
  maxEventLoopDelayMs: number;
  /** Heap (MB) beyond which requests get 503. */
  maxHeapMb: number;
  /** Trust X-Forwarded-* from a reverse proxy (client address for the sign-in throttle). */
  trustProxy: boolean;
  /** Worker threads computing fresh /api/reach answers (0 = on the main thread). */
  reachWorkers: number;
  /** Fresh reach questions one worker may hold; more are computed on the main thread. */
  reachWorkerQueue: number;
  /** Connections in the pool to a PostgreSQL server. */
  pgPoolMax: number;
  /** postgres://… of a streaming replica for reads that tolerate a little lag (server engine only). */
  readDatabaseUrl: string | undefined;
  /** Longest such a read waits for the replica to replay a change this instance knows of, before reading the primary. */
  readReplicaWaitMs: number;
  /** On SIGTERM: how long (ms) the instance answers not-ready on /api/ready while still serving, before it closes. */
  shutdownDrainMs: number;
  /** Durable jobs (server/jobs/queue.ts); see docs/operations.md "Jobs". */
  jobs: JobSettings;
}

export interface JobSettings {
  /** A running job that has not finished after this long is taken as dead (its process killed) and retried. */
  expireSeconds: number;
  /** How often an idle instance looks for queued jobs (a job started here is picked up at once). */
  pollSeconds: number;
  /** How often expired jobs are looked for and old ones archived (one instance at a time does it). */
  maintenanceSeconds: number;
  /** How many times a dead job is tried again. */
  retryLimit: number;
  /** Finished jobs, their reports, stored inputs and files are kept this many days. */
  keepDays: number;
}

function intSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Setting ${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolSetting(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`Setting ${name} must be true or false, got "${raw}"`);
}

export function loadConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const port = intSetting('PORT', 3000, 0, 65535);
  const host = process.env.HOST || '127.0.0.1';
  const config: AppConfig = {
    port,
    host,
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(PROJECT_ROOT, process.env.DATA_DIR || '.data/pglite'),
    publicBaseUrl: (process.env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    maxSnapM: intSetting('MAX_SNAP_M', 150, 1, 2000),
    areaToleranceM: intSetting('AREA_TOLERANCE_M', 50, 0, 1000),
    areaApproximateMarginM: intSetting('AREA_APPROXIMATE_MARGIN_M', 500, 0, 5000),
    cookieSecure: boolSetting('COOKIE_SECURE', true),
    logLevel: process.env.LOG_LEVEL || 'info',
    loadSample: boolSetting('LOAD_SAMPLE', true),
    dataRoot: path.join(PROJECT_ROOT, 'data'),
    districtFile: path.resolve(PROJECT_ROOT, process.env.DISTRICT_FILE || 'data/district.json'),
    maxEventLoopDelayMs: intSetting('MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 600_000),
    maxHeapMb: intSetting('MAX_HEAP_MB', 3072, 64, 1_048_576),
    trustProxy: boolSetting('TRUST_PROXY', false),
    pgPoolMax: intSetting('PG_POOL_MAX', 10, 1, 1000),
    // One worker per core (at most 4) when there is a second core: the main thread only routes and sends.
    reachWorkers: intSetting('REACH_WORKERS', os.availableParallelism() >= 2 ? Math.min(4, os.availableParallelism()) : 0, 0, 16),
    reachWorkerQueue: intSetting('REACH_WORKER_QUEUE', 16, 1, 1000),
    readDatabaseUrl: process.env.READ_DATABASE_URL || undefined,
    readReplicaWaitMs: intSetting('READ_REPLICA_WAIT_MS', 2000, 0, 600_000),
    shutdownDrainMs: intSetting('SHUTDOWN_DRAIN_MS', 5000, 0, 600_000),
    jobs: {
      expireSeconds: intSetting('JOBS_EXPIRE_SECONDS', 900, 1, 86_400),
      pollSeconds: intSetting('JOBS_POLL_SECONDS', 2, 1, 3600),
      maintenanceSeconds: intSetting('JOBS_MAINTENANCE_SECONDS', 60, 1, 3600),
      retryLimit: intSetting('JOBS_RETRY_LIMIT', 2, 0, 100),
      keepDays: intSetting('JOBS_KEEP_DAYS', 7, 1, 3650),
    },
  };
  if (config.readDatabaseUrl && !config.databaseUrl) {
    // The embedded database is one process with no replicas: a replica URL there is a mistake to say out loud.
    throw new Error('READ_DATABASE_URL is set but DATABASE_URL is not: the embedded database has no read replicas. '
      + 'Set DATABASE_URL to the primary PostgreSQL server, or unset READ_DATABASE_URL');
  }
  return { ...config, ...overrides };
}
