// Where reads go when a streaming replica is configured (READ_DATABASE_URL, server engine only).
// Reads that tolerate a little lag (the walking engine's reloads after another instance's change, the
// basemap, coverage, exports) go to the replica, but only once it has replayed every change this
// instance has been told of (the primary's WAL position carried by each change notice); otherwise they
// wait briefly, then read the primary and log it. Writes, sessions, LISTEN/NOTIFY, this instance's own
// changes and a session that has just written (the svc_read_primary cookie) stay on the primary.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { describeUrl } from './engine.ts';
import type { DataChange, DataEvents } from '../events.ts';

/** Set after a staff write: that browser's reads go to the primary for a while (read-your-writes). */
export const READ_PRIMARY_COOKIE = 'svc_read_primary';
const READ_PRIMARY_SECONDS = 15;
const POLL_MS = 10;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A WAL position ("16/B374D848") as a number that orders correctly. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export interface ReadRoutingOptions {
  primary: Kysely<Database>;
  /** postgres://… of a streaming replica of the primary; undefined = every read on the primary. */
  replicaUrl?: string;
  poolMax: number;
  /** Longest a read waits for the replica to catch up before it reads the primary. */
  maxWaitMs: number;
  events: DataEvents;
  log: FastifyBaseLogger;
}

export class ReadRouting {
  readonly primary: Kysely<Database>;
  readonly replica: Kysely<Database> | undefined;
  /** Where the replica is, for logs (never a password). */
  readonly replicaLocation: string | undefined;
  /** The primary's WAL position after the newest change this instance has been told of. */
  private required = 0n;
  /**
   * Changes that came without a position (an operator's notice, a reconnect, the start itself), counted;
   * `askedFor` is the count the primary's position was last taken after: below it, ask again.
   */
  private unknownChanges = 1;
  private askedFor = 0;
  private asking: { count: number; done: Promise<boolean> } | undefined;
  /** The newest position the replica is known to have replayed. */
  private replayed = -1n;
  private waiting: Promise<void> | undefined;
  /** The last wait ran out: until the replica catches up, reads go to the primary at once. */
  private lagging = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ReadRoutingOptions) {
    this.primary = options.primary;
    if (options.replicaUrl) {
      const pool = new pg.Pool({ connectionString: options.replicaUrl, max: options.poolMax, connectionTimeoutMillis: 5000 });
      pool.on('error', () => { /* a broken idle client is replaced on next use */ });
      this.replica = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      this.replicaLocation = describeUrl(options.replicaUrl);
    }
    // Registered before any other subscriber (the app creates this right after its DataEvents), so a
    // subscriber reloading after a change already finds the position it must wait for.
    this.unsubscribe = options.events.on((change) => {
      if (change.lsn) {
        const lsn = parseLsn(change.lsn);
        if (lsn > this.required) this.required = lsn;
      } else {
        this.unknownChanges += 1;
      }
    });
  }

  /**
   * A handle for a read that tolerates lag: the replica once it holds every change this instance has
   * heard of, the primary when there is no replica or it stays behind longer than the wait (logged).
   */
  async fresh(): Promise<Kysely<Database>> {
    const replica = this.replica;
    if (!replica) return this.primary;
    if (!(await this.positionKnown())) return this.primary;
    const target = this.required;
    if (this.replayed >= target) return replica;
    if (this.lagging) {
      await this.checkReplica();
      if (this.replayed >= target) {
        this.lagging = false;
        this.options.log.info({ replica: this.replicaLocation }, 'read replica caught up; lag-tolerant reads go to it again');
        return replica;
      }
      return this.primary;
    }
    this.waiting ??= this.waitForReplica().finally(() => { this.waiting = undefined; });
    await this.waiting;
    if (this.replayed >= target) return replica;
    return this.primary;
  }

  /** For a subscriber reloading after a change: this instance's own change from the primary, another's from fresh(). */
  async forChange(change?: DataChange): Promise<Kysely<Database>> {
    return change?.local ? this.primary : this.fresh();
  }

  /** For a request's lag-tolerant read: the primary for a browser that has just written (read-your-writes). */
  async forRequest(request: FastifyRequest): Promise<Kysely<Database>> {
    return request.cookies?.[READ_PRIMARY_COOKIE] ? this.primary : this.fresh();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.waiting?.catch(() => {});
    await this.replica?.destroy();
  }

  /**
   * After a change without a position: the primary's current position, taken after that change was
   * announced (so at or past its commit). Concurrent reads share one question; false if the primary did not answer.
   */
  private async positionKnown(): Promise<boolean> {
    const count = this.unknownChanges;
    if (this.askedFor >= count) return true;
    if (!this.asking || this.asking.count < count) {
      const done = sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primary).then(({ rows }) => {
        const lsn = parseLsn(rows[0].lsn);
        if (lsn > this.required) this.required = lsn;
        if (count > this.askedFor) this.askedFor = count;
        return true;
      }, () => false);
      this.asking = { count, done };
    }
    return this.asking.done;
  }

  /** Polls the replica until it has replayed everything required so far, or the wait runs out. */
  private async waitForReplica(): Promise<void> {
    const started = Date.now();
    for (;;) {
      await this.checkReplica();
      if (this.replayed >= this.required) return;
      if (Date.now() - started >= this.options.maxWaitMs) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    this.lagging = true;
    this.options.log.warn(
      { replica: this.replicaLocation, waitedMs: Date.now() - started, lagBytes: Number(this.required - this.replayed) },
      'read replica is behind; reading from the primary until it catches up',
    );
  }

  private async checkReplica(): Promise<void> {
    try {
      const { rows } = await sql<{ lsn: string | null; standby: boolean }>`
        select pg_last_wal_replay_lsn()::text as lsn, pg_is_in_recovery() as standby`.execute(this.replica!);
      // Not a standby (promoted, or pointed at a primary): nothing to wait for.
      const lsn = rows[0].standby ? (rows[0].lsn ? parseLsn(rows[0].lsn) : -1n) : this.required;
      if (lsn > this.replayed) this.replayed = lsn;
    } catch {
      /* unreachable: leave `replayed` as it was, the wait runs out and reads use the primary */
    }
  }
}

/**
 * After a successful staff write (any instance, replica or not: the next request may reach another
 * one), the answer sets a short-lived cookie that sends that browser's lag-tolerant reads to the primary.
 * Set as a header in onSend, after @fastify/cookie has written its own.
 */
export function markWritesForPrimaryReads(app: FastifyInstance): void {
  const options = { path: '/', httpOnly: true, secure: app.config.cookieSecure, sameSite: 'lax' as const, maxAge: READ_PRIMARY_SECONDS };
  app.addHook('onSend', async (request, reply, payload) => {
    if (!SAFE_METHODS.has(request.method) && request.staff && reply.statusCode < 400) {
      reply.header('set-cookie', app.serializeCookie(READ_PRIMARY_COOKIE, '1', options));
    }
    return payload;
  });
}
