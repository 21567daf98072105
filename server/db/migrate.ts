// Runs the ordered migrations listed in migrations/index.ts (the same files on both engines).
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../migrations/index.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Migrates to the latest version, or up to and including `target` when given. */
export async function migrateToLatest(db: Kysely<any>, target?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: false });
  const applied = new Set((await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name));
  if (target && applied.has(target)) return [];
  const { error, results } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
