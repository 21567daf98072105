// Runs the ordered migrations listed in migrations/index.ts (the same files on both engines).
//
// Rolling upgrades (docs/operations.md, "Upgrading"): while instances of two releases share one
// database, the newer release may already have recorded migrations this code has never heard of.
// Those are tolerated when they sort after every migration this code knows (they are "newer"): they
// are listed in a log line and left alone; this release runs on the part of the schema it knows,
// which an expand-only migration keeps intact. The known migrations still run strictly in order, and
// an unknown migration that sorts among the known ones is still an error (a database from another line).
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from '../../migrations/index.ts';

/** Recorded migrations that sort after every migration `known` lists (a newer release's). */
export function newerUnknownMigrations(recorded: string[], known: string[]): string[] {
  const last = [...known].sort().at(-1) ?? '';
  return recorded.filter((name) => !known.includes(name) && name > last).sort();
}

async function recordedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows: [exists] } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
  if (!exists?.present) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return rows.map((r) => r.name);
}

/** Stands in for a migration a newer release recorded: already executed, so never run by this code. */
const alreadyApplied: Migration = {
  async up() { throw new Error('a newer release\'s migration cannot be run by this release'); },
};

/**
 * Migrates to the latest version, or up to and including `target` when given. Newer migrations this
 * release does not know are tolerated and reported through `log`.
 */
export async function migrateToLatest(db: Kysely<any>, target?: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const newer = newerUnknownMigrations(await recordedMigrations(db), Object.keys(migrations));
  if (newer.length) {
    log(`the database has ${newer.length} migration(s) newer than this release (${newer.join(', ')}): tolerated, written by a newer release during a rolling upgrade`);
  }
  const known: Record<string, Migration> = { ...migrations, ...Object.fromEntries(newer.map((name) => [name, alreadyApplied])) };
  const provider: MigrationProvider = { getMigrations: async () => known };
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: false });
  const applied = new Set((await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name));
  if (target && applied.has(target)) return [];
  const { error, results } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `Migration ${failed.migrationName} failed: ${why}` : `Migrations refused: ${why}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
