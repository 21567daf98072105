// Backs up everything the offices entered to one portable archive (zip of JSON lines with a manifest).
//   npm run backup -- --out hexi-backup.zip
// Reads DATABASE_URL / DATA_DIR like the service. On the PostgreSQL server it runs beside the live
// service (one consistent snapshot); with the embedded database, stop the service first (its data
// directory is locked while it runs). Password hashes are never written; see README "Backup and restore".
import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { DatabaseStartupError, openDatabase } from '../server/db/engine.ts';
import { writeBackup } from '../server/backup/backup.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('usage: npm run backup -- --out FILE.zip');
  process.exit(2);
}
const config = loadConfig();
let handle;
try {
  handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
  const out = path.resolve(values.out);
  const started = Date.now();
  const manifest = await writeBackup(handle, out);
  for (const t of manifest.tables) console.log(`${t.name.padEnd(32)} ${String(t.rows).padStart(8)} rows`);
  console.log(`backup of the ${handle.engine} database (${handle.location}) written to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`schema version ${manifest.migrations.at(-1)}; password hashes are not included (restored accounts get new passwords)`);
} catch (err) {
  console.error(err instanceof DatabaseStartupError ? err.message : `backup failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle?.close();
}
