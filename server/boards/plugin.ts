// Board maps inside the app: the printer (on the shared walking service), the print-job runner, and
// the routes. Needs the walking plugin (app.walking) and auth (app.requireStaff) registered first.
import fp from 'fastify-plugin';
import { BoardJobRunner } from './jobs.ts';
import { BoardPrinter } from './printer.ts';
import { RenderPool } from './renderPool.ts';
import { boardRoutes } from './routes.ts';
import { boardWalking } from './walking.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Board printing: content, layout, SVG and PDF of a site's board (server/boards/printer.ts). */
    boards: { printer: BoardPrinter; jobs: BoardJobRunner };
  }
}

export default fp(async (app) => {
  const pool = new RenderPool();
  const printer = new BoardPrinter(app.db, app.catalog, boardWalking(app.walking), app.config.publicBaseUrl, pool);
  const jobs = new BoardJobRunner(app.db, printer, app.log);
  await jobs.recover();
  app.decorate('boards', { printer, jobs });
  const off = app.dataEvents.on((change) => { if (change.kind === 'network' || change.kind === 'resync') printer.networkChanged(); });
  app.addHook('onClose', async () => { off(); await jobs.close(); await pool.close(); });
  await app.register(boardRoutes({ printer, jobs }));
}, { name: 'boards', dependencies: ['walking', 'auth'] });
