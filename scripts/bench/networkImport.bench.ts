// Benchmark section of the base network refresh (npm run network:import) on the real Hexi extract (the
// shipped GeoJSON): reading it, and importing it over itself (compare, re-anchor, replace, keep the report)
// on a copy of the prepared test database, dry run and real.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerBenchSection } from './registry.ts';
import { fmtMs } from './context.ts';
import { copyPreparedEmbedded } from '../preparedDatabase.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

registerBenchSection({
  name: 'network-import',
  title: 'Network import of the Hexi extract: read, compare, re-anchor corrections, replace the base in one transaction',
  order: 16,
  async run(ctx) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-bench-import-'));
    if (!copyPreparedEmbedded(dir)) { ctx.note('no prepared test database in .cache/test-db (run a test once): skipping'); fs.rmSync(dir, { recursive: true, force: true }); return; }
    const [{ openDatabase }, { loadCatalog }, { readExtract, importNetwork }] = await Promise.all([
      import('../../server/db/engine.ts'), import('../../server/catalog.ts'), import('../../server/network/networkImport.ts'),
    ]);
    const database = await openDatabase({ dataDir: dir });
    ctx.onCleanup(async () => { await database.close().catch(() => {}); fs.rmSync(dir, { recursive: true, force: true }); });
    const catalog = loadCatalog();
    const t0 = performance.now();
    const extract = await readExtract(path.join(ROOT, 'data', 'osm', 'hexi_osm_roads.geojson'));
    ctx.figure(`read the extract (${extract.ways.length} ways)`, fmtMs(performance.now() - t0));
    for (const dryRun of [true, false]) {
      const t1 = performance.now();
      const report = await importNetwork(database.db, extract, { source: 'hexi_osm_roads.geojson', dryRun, profiles: catalog.profiles, maxSnapM: 150 });
      ctx.figure(`import ${dryRun ? '(dry run)' : '(written)'}: ${report.km.after} km, ${report.board_sites.sites_checked} board sites compared`, fmtMs(performance.now() - t1));
    }
  },
});
