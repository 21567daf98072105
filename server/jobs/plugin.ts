// The job queue in the app (`app.jobs`): started once the database is open, stopped gracefully when
// the app closes (SIGTERM drain in server/main.ts): the job running here finishes or is released.
import fp from 'fastify-plugin';
import { JobQueue, QUEUE_SCHEMA } from './queue.ts';
import { pruneRuns } from './runs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Durable jobs (server/jobs/queue.ts): `work(kind, handler)` on every instance, `send(kind, data)`. */
    jobs: JobQueue;
  }
}

export const jobsPlugin = fp(async (app) => {
  const settings = app.config.jobs;
  const queue = await JobQueue.start(app.database, settings, app.log);
  app.decorate('jobs', queue);
  const prune = () => pruneRuns(app.db, settings.keepDays, QUEUE_SCHEMA)
    .catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'jobs: pruning job_runs failed'));
  await prune();
  const timer = setInterval(() => { void prune(); }, Math.max(60, settings.maintenanceSeconds) * 1000);
  timer.unref();
  // preClose: before the other plugins close what a running job needs (the render pool, caches).
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await queue.stop(30_000);
  });
}, { name: 'jobs' });
