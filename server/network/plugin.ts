// The walking engine inside the app: builds the graph from the ways table at start, follows data
// changes, decorates the instance with `app.walking` (a WalkingService) and registers the routes.
import fp from 'fastify-plugin';
import { WalkingService } from './service.ts';
import { walkingRoutes } from './routes.ts';
import { correctionRoutes } from './correctionRoutes.ts';
import { networkImportRoutes } from './importRoutes.ts';
import { ReachPool } from './reachPool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The walking engine service: engine() (reach, nearest, route, rings on the current graph), trialEngine(), status(). */
    walking: WalkingService;
    /** Worker threads for fresh /api/reach answers (REACH_WORKERS), or null when the main thread computes them. */
    reachPool: ReachPool | null;
  }
}

export default fp(async (app) => {
  const walking = await WalkingService.start({
    db: app.db,
    readerFor: (change) => app.reads.forChange(change),
    events: app.dataEvents,
    profiles: app.catalog.profiles,
    maxSnapM: app.config.maxSnapM,
    log: app.log,
  });
  app.decorate('walking', walking);
  const reachPool = app.config.reachWorkers > 0
    ? new ReachPool({
      workers: app.config.reachWorkers, walking, profiles: app.catalog.profiles, maxSnapM: app.config.maxSnapM,
      districtFile: app.config.districtFile, log: app.log, maxQueue: app.config.reachWorkerQueue,
    })
    : null;
  app.decorate('reachPool', reachPool);
  app.addHook('onClose', async () => { await reachPool?.close(); await walking.close(); });
  await app.register(walkingRoutes);
  await app.register(correctionRoutes);
  await app.register(networkImportRoutes);
}, { name: 'walking', dependencies: [] });
