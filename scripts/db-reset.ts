// Rebuilds the database from scratch: the embedded data directory is deleted, or every table of the
// PostGIS database named by DATABASE_URL is dropped; then migrations and data load again.
//   npm run db:reset            (asks nothing: it is a development command)
import fs from 'node:fs';
import { sql } from 'kysely';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/engine.ts';
import { prepareDatabase } from '../server/seed/index.ts';
import { loadCatalog } from '../server/catalog.ts';

const config = loadConfig();
if (!config.databaseUrl) {
  fs.rmSync(config.dataDir, { recursive: true, force: true });
  console.log(`removed ${config.dataDir}`);
}
const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
if (config.databaseUrl) {
  await sql`drop schema public cascade`.execute(handle.db);
  await sql`create schema public`.execute(handle.db);
  console.log(`dropped all tables in ${handle.location}`);
}
await prepareDatabase(handle.db, {
  catalog: loadCatalog(), loadSample: config.loadSample, log: (m) => console.log(m),
});
await handle.close();
console.log('database ready');
