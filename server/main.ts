// Starts the service: open the database (embedded unless DATABASE_URL), migrate and seed, listen.
import { loadConfig } from './config.ts';
import { DatabaseStartupError, openDatabase, postgisVersion } from './db/engine.ts';
import { prepareDatabase } from './seed/index.ts';
import { buildApp } from './app.ts';
import { loadCatalog } from './catalog.ts';
import { useDistrict, type District } from './district.ts';

async function main(): Promise<void> {
  let config;
  let district: District;
  try {
    config = loadConfig();
    district = useDistrict(config.districtFile);
  } catch (err) {
    console.error(`Configuration error: ${(err as Error).message}`);
    process.exit(1);
  }
  const started = Date.now();
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
    await prepareDatabase(database.db, {
      district, catalog: loadCatalog(), loadSample: config.loadSample, maxSnapM: config.maxSnapM,
      log: (msg) => console.log(`[setup] ${msg}`),
    });
    await postgisVersion(database.db);
  } catch (err) {
    if (err instanceof DatabaseStartupError) {
      console.error(err.message);
    } else {
      console.error(`Database setup failed: ${(err as Error).message}`);
    }
    await database?.close().catch(() => {});
    process.exit(1);
  }

  const app = await buildApp({ config, database });
  // SIGTERM (a supervisor or a rolling restart): turn not-ready on /api/ready, keep serving in-flight
  // and new requests for SHUTDOWN_DRAIN_MS while the load balancer notices, then stop accepting, let
  // the requests under way finish, close the database and exit 0. SIGINT (Ctrl-C) or a second signal
  // skips the drain.
  let closing: Promise<void> | null = null;
  let skipDrain: () => void = () => {};
  const shutdown = (signal: string, drainMs: number) => {
    if (closing) { skipDrain(); return; }
    app.readiness.drain();
    closing = (async () => {
      if (drainMs > 0) {
        console.log(`${signal}: not ready; serving ${drainMs} ms more while load balancers move away`);
        await new Promise<void>((resolve) => { const timer = setTimeout(resolve, drainMs); skipDrain = () => { clearTimeout(timer); resolve(); }; });
      }
      app.log.info(`${signal}: finishing in-flight requests`);
      await app.close();
      await database.close();
      console.log(`${signal}: closed cleanly`);
      process.exit(0);
    })().catch((err) => {
      console.error(`shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', config.shutdownDrainMs));
  process.on('SIGINT', () => shutdown('SIGINT', 0));

  await app.listen({ port: config.port, host: config.host });
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  console.log(`15分钟综合服务圈 ready in ${((Date.now() - started) / 1000).toFixed(1)} s on the ${database.engine} database (${database.location})`);
  console.log(`Open http://${shownHost}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.port}/`);
}

void main();
