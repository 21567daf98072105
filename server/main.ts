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
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing in-flight requests`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  console.log(`15分钟综合服务圈 ready in ${((Date.now() - started) / 1000).toFixed(1)} s on the ${database.engine} database (${database.location})`);
  console.log(`Open http://${shownHost}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.port}/`);
}

void main();
