// Board maps inside the app: the printer (on the shared walking service), the print-job runner, and
// the routes. Needs the walking plugin (app.walking) and auth (app.requireStaff) registered first.
import fp from 'fastify-plugin';
import { systemClock, type BoardClock } from './clock.ts';
import { BoardJobRunner } from './jobs.ts';
import { BoardPrinter } from './printer.ts';
import { RenderPool } from './renderPool.ts';
import { postingRoutes } from './postingRoutes.ts';
import { boardRoutes } from './routes.ts';
import { boardWalking } from './walking.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Board printing: content, layout, SVG and PDF of a site's board (server/boards/printer.ts). */
    boards: { printer: BoardPrinter; jobs: BoardJobRunner; clock: BoardClock };
  }
}

export default fp(async (app) => {
  const pool = new RenderPool();
  const printer = new BoardPrinter(app.db, app.catalog, boardWalking(app.walking), app.config.publicBaseUrl, pool);
  // One clock for file names and posted dates; tests set its time (e.g. just before local midnight).
  const clock = systemClock();
  const jobs = new BoardJobRunner(app.db, printer, app.log, app.jobs, clock);
  await jobs.start();
  app.decorate('boards', { printer, jobs, clock });
  const off = app.dataEvents.on((change) => { if (change.kind === 'network' || change.kind === 'resync') printer.networkChanged(); });
  app.addHook('onClose', async () => { off(); await jobs.close(); await pool.close(); });
  await app.register(boardRoutes({ printer, jobs, clock }));
  await app.register(postingRoutes(clock));
}, { name: 'boards', dependencies: ['walking', 'auth', 'jobs'] });
