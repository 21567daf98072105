// The job queue: every long piece of work (imports, board batch prints) is a job in PostgreSQL, run by
// pg-boss (a well-kept queue library). Any instance may take a job (SKIP LOCKED: one at a time); a job
// whose process died (SIGKILL, power loss) is seen as expired after JOBS_EXPIRE_SECONDS and tried again,
// up to JOBS_RETRY_LIMIT times. The handlers make a retry safe: their writes and the "done" mark of the
// job are one transaction (server/jobs/runs.ts), so a retry either redoes everything or finds it done.
//
// Both engines: on the server engine pg-boss has a small pool of its own; on the embedded engine it goes
// through the app's single PGlite connection, in turn with every other query (DatabaseHandle.queueSql).
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { JobSettings } from '../config.ts';
import type { DatabaseHandle, QueueSql } from '../db/engine.ts';

export type JobHandler<T> = (data: T, meta: { attempt: number }) => Promise<void>;

export const QUEUE_SCHEMA = 'pgboss';

export class JobQueue {
  private readonly workers = new Map<string, string>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly sentHere = new Set<string>();
  private stopped = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly sqlAccess: QueueSql,
    private readonly settings: JobSettings,
    private readonly log: FastifyBaseLogger,
  ) {}

  static async start(database: DatabaseHandle, settings: JobSettings, log: FastifyBaseLogger): Promise<JobQueue> {
    const sqlAccess = database.queueSql(3);
    const boss = new PgBoss({
      db: sqlAccess as PgBoss.Db,
      schema: QUEUE_SCHEMA,
      // Expired jobs are found (and retried) by the maintenance pass; one instance at a time runs it.
      supervise: true,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
      // Archived (finished) jobs are deleted after the stated retention; job_runs follow (server/jobs/runs.ts).
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: settings.keepDays,
      schedule: false,
      migrate: true,
    });
    const queue = new JobQueue(boss, sqlAccess, settings, log);
    boss.on('error', (err: Error) => log.warn({ err: { message: err.message } }, 'jobs: queue error'));
    await boss.start();
    return queue;
  }

  private jobOptions(): PgBoss.SendOptions {
    return {
      expireInSeconds: this.settings.expireSeconds,
      retryLimit: this.settings.retryLimit,
      retryDelay: 0,
    };
  }

  /** Takes jobs of this kind on this instance (one at a time). */
  async work<T extends object>(name: string, handler: JobHandler<T>): Promise<void> {
    await this.createQueue(name);
    const id = await this.boss.work<T>(name, { pollingIntervalSeconds: this.settings.pollSeconds, batchSize: 1, includeMetadata: true }, async ([job]) => {
      const run = handler(job.data, { attempt: job.retryCount });
      this.running.add(run);
      try { await run; } finally { this.running.delete(run); this.sentHere.delete(job.id); }
    });
    this.workers.set(name, id);
  }

  /**
   * Makes the queue's table if no instance has yet. Two instances starting together on a database
   * without it both try, and PostgreSQL may pick one as a deadlock victim (pg-boss attaches a partition
   * per queue); that one waits a moment and tries again, when it finds the queue made.
   */
  private async createQueue(name: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.boss.createQueue(name, { name, ...this.jobOptions() });
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 6 || (code !== '40P01' && code !== '23505')) throw err;
        this.log.info({ queue: name, code, attempt }, 'jobs: queue creation met another instance; trying again');
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 200));
      }
    }
  }

  /**
   * Queues a job and wakes this instance's worker for it (another instance may still take it first). `jobId`
   * (a UUID) names it in the queue's table, so that its run finds it by key (startRun in ./runs.ts).
   */
  async send<T extends object>(name: string, data: T, jobId?: string): Promise<string> {
    const id = await this.boss.send(name, data, { ...this.jobOptions(), ...(jobId ? { id: jobId } : {}) });
    if (!id) throw new Error(`jobs: the queue refused a ${name} job`);
    this.sentHere.add(id);
    const worker = this.workers.get(name);
    if (worker) this.boss.notifyWorker(worker);
    return id;
  }

  /** Resolves when the jobs sent from this instance and those running here have ended (tests, benches). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running.size) { await Promise.allSettled([...this.running]); continue; }
      if (!this.sentHere.size || this.stopped) return;
      // Sent but not yet fetched (or taken by another instance): check the queue.
      for (const id of [...this.sentHere]) {
        const { rows } = await this.sqlAccess.executeSql(
          `select state from ${QUEUE_SCHEMA}.job where id = $1 union all select state from ${QUEUE_SCHEMA}.archive where id = $1`, [id]);
        if (!rows.length || ['completed', 'failed', 'cancelled'].includes(String(rows[0].state))) this.sentHere.delete(id);
      }
      if (this.sentHere.size && !this.running.size) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Graceful stop (SIGTERM): take no new job, let the one running here finish (up to `timeoutMs`),
   * then close. A job still running after that is left to expire and be retried elsewhere.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, timeoutMs), close: false }).catch((err: Error) => {
      this.log.warn({ err: { message: err.message } }, 'jobs: queue stop');
    });
    await this.sqlAccess.close().catch(() => {});
  }
}

/** Creates (or upgrades) the queue's tables without taking jobs: prepared test databases start with them. */
export async function installQueueSchema(database: DatabaseHandle): Promise<void> {
  const sqlAccess = database.queueSql(1);
  const boss = new PgBoss({ db: sqlAccess as PgBoss.Db, schema: QUEUE_SCHEMA, supervise: false, schedule: false, migrate: true });
  await boss.start();
  await boss.stop({ graceful: false, close: false, wait: true });
  await sqlAccess.close();
}
