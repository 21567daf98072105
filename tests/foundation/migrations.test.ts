// The migrator during a rolling upgrade: a database that already has migrations a newer release
// recorded (the previous release still running, or starting again, after the new one migrated).
// Known migrations still run in order; unknown ones that sort after all known ones are tolerated with
// a log line; an unknown one among the known ones is still refused. On the engine under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, newerUnknownMigrations } from '../../server/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { openTestDatabase, type TestDatabase } from '../helper.ts';

describe('newerUnknownMigrations', () => {
  it('lists only recorded names that the code does not know and that sort after all it knows', () => {
    const known = ['0001_a', '0002_b', '0004_d'];
    expect(newerUnknownMigrations(['0001_a', '0002_b', '0004_d'], known)).toEqual([]);
    expect(newerUnknownMigrations(['0001_a', '0002_b', '0004_d', '0006_f', '0005_e'], known)).toEqual(['0005_e', '0006_f']);
    // Unknown but older than the last known one: not a newer release's, left to the migrator to refuse.
    expect(newerUnknownMigrations(['0001_a', '0003_c', '0004_d'], known)).toEqual([]);
  });
});

describe('migrating a database a newer release has already migrated', () => {
  let t: TestDatabase;
  const logged: string[] = [];
  beforeAll(async () => { t = await openTestDatabase(); });
  afterAll(async () => { await t?.drop(); });

  it('tolerates a newer migration with a log line, and its expand column stays', async () => {
    const db = t.handle.db;
    await sql`alter table service_points add column expand_note text`.execute(db);
    await sql`insert into kysely_migration (name, timestamp) values ('9001_newer_release', ${new Date().toISOString()})`.execute(db);
    expect(await migrateToLatest(db, undefined, (m) => logged.push(m))).toEqual([]);
    expect(logged.join('\n')).toMatch(/1 migration\(s\) newer than this release \(9001_newer_release\)/);
    // A start runs the first migration on its own too (server/seed/index.ts).
    expect(await migrateToLatest(db, '0001_init')).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from service_points where expand_note is null`.execute(db);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('still runs a known migration that has not run yet, and refuses one left behind a newer release\'s', async () => {
    const db = t.handle.db;
    const last = Object.keys(migrations).sort().at(-1)!;
    // As if this release's last migration had not run: its record removed, and a stand-in that notes
    // the run (its objects are still there, so the real one would fail on them).
    await sql`delete from kysely_migration where name = ${last}`.execute(db);
    const original = migrations[last];
    const ran: string[] = [];
    migrations[last] = { up: async () => { ran.push(last); } };
    try {
      // Recorded: ..., 9001 (newer), and this release's last one missing below it: out of order, refused.
      await expect(migrateToLatest(db)).rejects.toThrow(/corrupted migrations/);
      expect(ran).toEqual([]);
      // Without the newer one, the missing known migration runs.
      await sql`delete from kysely_migration where name = '9001_newer_release'`.execute(db);
      expect(await migrateToLatest(db)).toEqual([last]);
      expect(ran).toEqual([last]);
    } finally { migrations[last] = original; }
  });

  it('refuses an unknown migration that sorts among the known ones (a database from another line)', async () => {
    const db = t.handle.db;
    await sql`insert into kysely_migration (name, timestamp) values ('0008_elsewhere', ${new Date().toISOString()})`.execute(db);
    await expect(migrateToLatest(db)).rejects.toThrow(/0008_elsewhere is missing/);
    await sql`delete from kysely_migration where name = '0008_elsewhere'`.execute(db);
    expect(await migrateToLatest(db)).toEqual([]);
  });
});
