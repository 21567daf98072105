// Loads a new base walking network for the district from an OpenStreetMap extract, re-anchors the network
// corrections on it and prints the report (also kept for /admin). An extract that fails changes nothing.
//   npm run network:import -- FILE [--dry-run] [--json]      FILE: .osm, .osm.pbf or Geofabrik-schema .geojson
// Running instances on the same PostgreSQL server rebuild their engine and coverage from the 'network'
// change this sends; with the embedded database, stop the service first (its data directory is locked).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { DatabaseStartupError, openDatabase } from '../server/db/engine.ts';
import { prepareDatabase } from '../server/seed/index.ts';
import { loadCatalog } from '../server/catalog.ts';
import { DataEvents } from '../server/events.ts';
import { formatImportReport, importNetwork, NetworkImportError, readExtract } from '../server/network/networkImport.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('usage: npm run network:import -- FILE [--dry-run] [--json]   (FILE: .osm, .osm.pbf or .geojson)');
  process.exit(2);
}
const file = path.resolve(positionals[0]);
const config = loadConfig();
const catalog = loadCatalog();
let handle;
try {
  const extract = await readExtract(file);
  handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.pgPoolMax });
  await prepareDatabase(handle.db, { catalog, loadSample: config.loadSample });
  const report = await importNetwork(handle.db, extract, {
    source: path.basename(file), dryRun: values['dry-run'] === true, profiles: catalog.profiles, maxSnapM: config.maxSnapM,
  });
  // Every instance on this database rebuilds its engine; coverage, tiles and boards follow the change.
  if (!report.dry_run) await new DataEvents({ stampLsn: handle.engine === 'postgres' }).publish(handle.db, { kind: 'network' });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
} catch (err) {
  if (err instanceof NetworkImportError) console.error(`${err.message}\n${err.message_zh}\nnothing was changed 未做任何更改`);
  else if (err instanceof DatabaseStartupError) console.error(err.message);
  else console.error(`network import failed, nothing was changed 路网导入失败，未做任何更改: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle?.close();
}
