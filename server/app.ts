// Builds the Fastify application: outside concerns (security headers, docs, static files) first,
// then the domain plugins, each in its own folder under server/. Collaborators (database, catalog,
// change events) are decorations on the instance, so routes receive them instead of importing singletons.
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { useDistrict, type District } from './district.ts';
import { DatabaseStartupError, type DatabaseHandle } from './db/engine.ts';
import { markWritesForPrimaryReads, ReadRouting } from './db/readRouting.ts';
import type { Database } from './db/schema.ts';
import { CHANGE_CHANNEL, DataEvents } from './events.ts';
import { frameworkErrors, installErrorHandlers } from './http/errors.ts';
import { referenceRoutes } from './divisions/routes.ts';
import { pointReadRoutes } from './points/routes.ts';
import { siteReadRoutes } from './sites/routes.ts';
import { importExportRoutes } from './importexport/routes.ts';
import { jobsPlugin } from './jobs/plugin.ts';
import { district } from './points/district.ts';
import { areas } from './areas/plugin.ts';
import { pointEditRoutes } from './points/editRoutes.ts';
import { siteEditRoutes } from './sites/editRoutes.ts';
import { compoundRoutes } from './compounds/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { scenarioRoutes } from './coverage/scenarioRoutes.ts';
import { reportRoutes as checkupReportRoutes } from './checkup/reportRoutes.ts';
import { webPages } from './web/plugin.ts';
import { basemapTiles } from './tiles/routes.ts';
import { auth } from './auth/plugin.ts';
import { readinessPlugin } from './http/readiness.ts';
import { resiliencePlugin } from './http/resilience.ts';
import { sameOrigin } from './http/sameOrigin.ts';
import { inputHygiene } from './http/inputHygiene.ts';
import { compressionPlugin } from './http/compression.ts';
import { authRoutes } from './auth/routes.ts';
import { accountRoutes } from './auth/accountRoutes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    catalog: Catalog;
    /** The district served: names, time zone, extent, data files (server/district.ts). */
    district: District;
    /** The primary: writes, sessions and every read that must see the latest data. */
    db: Kysely<Database>;
    /** Reads that tolerate a little lag: a streaming replica when READ_DATABASE_URL is set (server/db/readRouting.ts). */
    reads: ReadRouting;
    database: DatabaseHandle;
    dataEvents: DataEvents;
  }
}

export interface BuildOptions {
  config: AppConfig;
  database: DatabaseHandle;
  logger?: boolean | object;
  /** Sees every route as it is registered (the fuzz and security tests enumerate the whole API with it). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp({ config, database, logger, onRoute }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    frameworkErrors, // broken URLs and over-long path parameters answer in the API's error shape
    // Building the walking graph at start can outlast Fastify's default 10 s on a busy machine; a slow start is not a failed one.
    pluginTimeout: 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (onRoute) app.addHook('onRoute', onRoute);

  app.decorate('config', config);
  app.decorate('catalog', loadCatalog());
  const served = useDistrict(config.districtFile);
  app.decorate('district', served);
  app.decorate('db', database.db);
  app.decorate('database', database);
  const events = new DataEvents({ stampLsn: database.engine === 'postgres' });
  app.decorate('dataEvents', events);
  if (config.readDatabaseUrl && database.engine !== 'postgres') {
    throw new DatabaseStartupError('READ_DATABASE_URL works only with a PostgreSQL server (DATABASE_URL); the embedded database has no read replicas');
  }
  // Subscribes before anything else does: see ReadRouting.
  const reads = new ReadRouting({
    primary: database.db, replicaUrl: config.readDatabaseUrl, poolMax: config.pgPoolMax,
    maxWaitMs: config.readReplicaWaitMs, events, log: app.log,
  });
  app.decorate('reads', reads);
  app.addHook('onClose', async () => { await reads.close(); });
  const stopListening = await database.listen(CHANGE_CHANNEL, (payload) => events.receive(payload));
  app.addHook('onClose', async () => { await stopListening(); });

  installErrorHandlers(app);
  await app.register(inputHygiene); // NUL characters and absurdly deep JSON: 400 naming the field
  await app.register(resiliencePlugin);
  await app.register(jobsPlugin); // app.jobs: the durable job queue (pg-boss) for imports and board prints
  await app.register(readinessPlugin); // GET /api/ready for a load balancer; drain() before a shutdown
  await app.register(sameOrigin); // CORS: only our own origin; foreign preflights and writes get 403
  await app.register(compressionPlugin); // br/gzip for JSON and text; before the routes, whose answers it sees

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: '15分钟综合服务圈 API',
        description: `Walking-time service maps for the street offices of ${served.name_en}${served.city_en ? `, ${served.city_en}` : ''}. Street network © OpenStreetMap contributors, ODbL 1.0.`,
        version: '0.1.0',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  await app.register(auth);
  if (database.engine === 'postgres') markWritesForPrimaryReads(app); // read-your-writes across instances
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(referenceRoutes);
  await app.register(pointReadRoutes);
  await app.register(siteReadRoutes);
  await app.register(importExportRoutes);
  await app.register(district);
  await app.register(areas); // street and community areas: /api/areas, official import, the position check
  await app.register(pointEditRoutes);
  await app.register(siteEditRoutes);
  await app.register(compoundRoutes);
  await app.register(auditRoutes);
  await app.register(import('./network/plugin.ts')); // app.walking + /api/reach, /api/route (before features that use it)
  await app.register(import('./boards/plugin.ts')); // board maps: /api/boards/:siteId.pdf|.svg, print jobs, needs-reprint
  await app.register(import('./coverage/routes.ts')); // /api/coverage: gaps, what-if, suggestions, settings, exports
  await app.register(scenarioRoutes); // /api/coverage/scenarios: saved planning scenarios
  await app.register(import('./desks/plugin.ts')); // 流动办公桌: schedules, plans, rotation, 民情日记, calendars
  await app.register(import('./reports/plugin.ts')); // 居民反馈: public reports and receipts, the street's queue
  await app.register(basemapTiles);
  await app.register(import('./checkup/routes.ts')); // 体检: the 15-minute surface and its tiles, coverage snapshots, the report (after coverage, tiles)
  await app.register(checkupReportRoutes); // 体检报告: the PDF report as a job (reads app.checkup)
  await app.register(webPages);

  return app;
}
