// First start: migrate, then fill an empty database with the real network, the divisions, the
// categories and (unless LOAD_SAMPLE=false) the sample set. Later starts only migrate and sync.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalog } from '../catalog.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadNetwork, readOsmRoads } from './network.ts';
import { loadDivisions, syncCategories } from './divisions.ts';
import { loadSample } from './sample.ts';
import { deriveApproximateAreas } from '../areas/repository.ts';
import { loadDistrictOutline } from '../points/district.ts';
import { configuredDistrict, type District } from '../district.ts';

export interface SeedReport { migrations: string[]; loadedNetwork: boolean; loadedSample: boolean }

/** `district` defaults to the configured one (DISTRICT_FILE, else data/district.json). */
type PrepareOptions = { district?: District; catalog: Catalog; loadSample: boolean; log?: (msg: string) => void; maxSnapM?: number };

/** Any constant: the key of the advisory lock under which instances prepare a database one at a time. */
const PREPARE_LOCK = 150_103_015;
/** MAX_SNAP_M's default (server/config.ts): the district outline the approximate areas are clipped to. */
const DEFAULT_MAX_SNAP_M = 150;

export async function prepareDatabase(db: Kysely<Database>, options: PrepareOptions): Promise<SeedReport> {
  // Several instances starting together on one new database take turns (a session-level advisory lock
  // on one connection), so that the network and the sample set are loaded once, not once per instance.
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${PREPARE_LOCK})`.execute(conn);
    try {
      return await prepareInTurn(conn, options);
    } finally {
      await sql`select pg_advisory_unlock(${PREPARE_LOCK})`.execute(conn);
    }
  });
}

async function prepareInTurn(db: Kysely<Database>, options: PrepareOptions): Promise<SeedReport> {
  const log = options.log ?? (() => {});
  const district = options.district ?? configuredDistrict();
  // The category tables exist from the first migration on and are filled from data/categories.json before
  // later migrations run, so that those may refer to categories.
  const migrations = await migrateToLatest(db, '0001_init', log);
  await syncCategories(db, options.catalog);
  migrations.push(...await migrateToLatest(db, undefined, log));
  if (migrations.length) log(`applied migrations: ${migrations.join(', ')}`);

  const { count: streetCount } = await db.selectFrom('streets').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (Number(streetCount) === 0) {
    await loadDivisions(db, district.files.divisions, log);
    log(`loaded streets and communities of ${district.name_en} from ${district.files.divisions}`);
  }

  let loadedNetwork = false;
  const { count: wayCount } = await db.selectFrom('ways').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (Number(wayCount) === 0) {
    const ways = readOsmRoads(district.files.roads);
    await loadNetwork(db, ways);
    loadedNetwork = true;
    log(`loaded ${ways.length} ways (${ways.filter((w) => w.walkable).length} walkable) from ${district.files.roads}`);
  }

  let loadedSample = false;
  const seeded = await db.selectFrom('app_settings').select('value').where('key', '=', 'sample_loaded').executeTakeFirst();
  if (options.loadSample && !seeded && district.files.sample) {
    await loadSample(db, district.files.sample, options.catalog);
    await db.insertInto('app_settings').values({ key: 'sample_loaded', value: JSON.stringify({ at: new Date().toISOString() }) }).execute();
    loadedSample = true;
    log(`loaded the SAMPLE data set (${district.files.sample})`);
  }

  // Until official boundaries are imported, street and community areas are derived from the community
  // locations known now (after the sample, whose compounds and points say which community they are in).
  const { count: areaCount } = await db.selectFrom('division_areas').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (Number(areaCount) === 0) {
    const district = await loadDistrictOutline(db, options.maxSnapM ?? DEFAULT_MAX_SNAP_M);
    const n = await deriveApproximateAreas(db, district);
    log(`derived ${n} approximate street and community areas from community locations`);
  }
  return { migrations, loadedNetwork, loadedSample };
}
