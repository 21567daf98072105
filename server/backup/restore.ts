// Restores a backup archive into an EMPTY database, on either engine. The database is first brought to
// the archive's schema version (its migrations), the network and divisions are loaded from data/, then
// every table is written in one transaction (all of it or nothing), then later migrations run on top.
// Restored staff accounts have no password until one is set (README: "Backup and restore").
import crypto from 'node:crypto';
import { unzipSync } from 'fflate';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalog } from '../catalog.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { migrations as knownMigrations } from '../../migrations/index.ts';
import { loadDivisions, syncCategories } from '../seed/divisions.ts';
import { loadNetwork, readOsmRoads } from '../seed/network.ts';
import { configuredDistrict, type District } from '../district.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../records/audit.ts';
import {
  ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, isArchiveFormat, REPLACED_ON_RESTORE, RESTORED_PASSWORD_MARKER, SECRET_COLUMNS, appliedMigrations,
  describeTables, networkFingerprint, type Manifest, type TableEntry,
} from './format.ts';

/** A restore that cannot go ahead, with one line for the operator. Nothing has been written. */
export class RestoreError extends Error {}

export interface RestoreOptions {
  /** Whose divisions and network an empty database receives; defaults to the configured district. */
  district?: District;
  catalog: Catalog;
  /** Give every restored staff account a new generated password (returned once). */
  newPasswords?: boolean;
  log?: (message: string) => void;
}

export interface RestoreReport {
  manifest: Manifest;
  rows: Record<string, number>;
  users: { username: string; role: string; password?: string }[];
  warnings: string[];
}

/** Parameters per INSERT statement stay well under PostgreSQL's 65,535. */
const PARAMS_PER_STATEMENT = 20_000;

export function readManifest(archive: Uint8Array): Manifest {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(archive, { filter: (f) => f.name === 'manifest.json' });
  } catch (err) {
    throw new RestoreError(`This file is not a backup archive (not a readable zip: ${(err as Error).message})`);
  }
  if (!files['manifest.json']) throw new RestoreError('This file is not a backup archive: it has no manifest.json');
  let manifest: Manifest;
  try { manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])); } catch {
    throw new RestoreError('The archive\'s manifest.json is not valid JSON');
  }
  if (!isArchiveFormat(manifest.format)) throw new RestoreError(`This is not a ${ARCHIVE_FORMAT} archive (format "${String(manifest.format)}")`);
  if (manifest.format_version !== ARCHIVE_FORMAT_VERSION) {
    throw new RestoreError(`Archive format version ${manifest.format_version} is not supported by this version of the service (it reads version ${ARCHIVE_FORMAT_VERSION})`);
  }
  return manifest;
}

/** Each table's rows, checked against the manifest's hash and column count before anything is written. */
function readTables(archive: Uint8Array, manifest: Manifest): Map<string, (string | null)[][]> {
  const wanted = new Set(manifest.tables.map((t) => t.file));
  let files: Record<string, Uint8Array>;
  try { files = unzipSync(archive, { filter: (f) => wanted.has(f.name) }); } catch (err) {
    throw new RestoreError(`The archive is damaged: ${(err as Error).message}`);
  }
  const out = new Map<string, (string | null)[][]>();
  for (const table of manifest.tables) {
    const bytes = files[table.file];
    if (!bytes) throw new RestoreError(`The archive is damaged: ${table.file} is missing`);
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== table.sha256) {
      throw new RestoreError(`The archive is damaged: ${table.file} does not match its checksum`);
    }
    const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
    const rows = lines.map((line, i) => {
      const row = JSON.parse(line) as unknown;
      if (!Array.isArray(row) || row.length !== table.columns.length || row.some((v) => v !== null && typeof v !== 'string')) {
        throw new RestoreError(`The archive is damaged: ${table.file} line ${i + 1} does not have ${table.columns.length} columns`);
      }
      return row as (string | null)[];
    });
    if (rows.length !== table.rows) throw new RestoreError(`The archive is damaged: ${table.file} has ${rows.length} rows, the manifest says ${table.rows}`);
    out.set(table.name, rows);
  }
  return out;
}

async function tableExists(db: Kysely<any>, name: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`public.${name}`}) is not null as ok`.execute(db);
  return rows[0].ok;
}

export async function restoreBackup(db: Kysely<Database>, archive: Uint8Array, options: RestoreOptions): Promise<RestoreReport> {
  const log = options.log ?? (() => {});
  const manifest = readManifest(archive);
  const warnings: string[] = [];

  // 1. The schema at the archive's version (a database that is already newer is accepted if still empty).
  const known = Object.keys(knownMigrations);
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new RestoreError(`The archive was made by a newer version of the service (migrations ${unknown.join(', ')}); update the service, then restore`);
  }
  const archiveVersion = manifest.migrations.at(-1) ?? '0001_init';
  const before = await tableExists(db, 'kysely_migration') ? await appliedMigrations(db) : [];
  await migrateToLatest(db, '0001_init');
  await syncCategories(db, options.catalog);
  if (before.every((m) => m <= archiveVersion)) await migrateToLatest(db, archiveVersion);
  else warnings.push(`the database is already at a newer schema (${before.at(-1)}) than the archive (${archiveVersion}); restoring into it`);

  const count = async (table: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0].n);
  const district = options.district ?? configuredDistrict();
  if (await count('streets') === 0) await loadDivisions(db, district.files.divisions, log);
  if (await count('ways') === 0) {
    log(`loading the walking network from ${district.files.roads}`);
    await loadNetwork(db, readOsmRoads(district.files.roads));
  }

  // 2. Everything read and checked before anything is written.
  const data = readTables(archive, manifest);
  const target = await describeTables(db);
  for (const table of manifest.tables) {
    const columns = target.get(table.name);
    if (!columns) throw new RestoreError(`The archive has table ${table.name}, which this database does not have`);
    const missing = table.columns.filter((c) => !columns.some((t) => t.name === c.name));
    if (missing.length) throw new RestoreError(`Table ${table.name} of the archive has columns this database does not have: ${missing.map((c) => c.name).join(', ')}`);
  }
  const notEmpty: string[] = [];
  for (const table of manifest.tables) {
    if (!REPLACED_ON_RESTORE.has(table.name) && await count(table.name) > 0) notEmpty.push(table.name);
  }
  if (notEmpty.length) {
    throw new RestoreError(`The database is not empty (${notEmpty.join(', ')} already have rows): restore only into a new, empty database`);
  }

  // 3. One transaction: all of it or nothing.
  const rows: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    for (const table of [...manifest.tables].reverse()) {
      if (REPLACED_ON_RESTORE.has(table.name)) await sql`delete from ${sql.table(table.name)}`.execute(trx);
    }
    for (const table of manifest.tables) {
      rows[table.name] = await insertTable(trx, table, target.get(table.name)!, data.get(table.name)!);
      log(`restored ${table.name}: ${rows[table.name]} rows`);
    }
    await resetSequences(trx, manifest.tables.map((t) => t.name));
    // A restored database must never get the sample set loaded on top of it at the next start.
    await sql`insert into app_settings (key, value) values ('sample_loaded', ${JSON.stringify({ restored_from: manifest.created_at })}::jsonb)
      on conflict (key) do nothing`.execute(trx);
    await recordAudit(trx, {
      staff: null, action: 'restore', entity: 'backup', entity_id: manifest.created_at,
      after: { source: manifest.source, migrations: manifest.migrations, rows },
    });
  });

  // 4. Migrations newer than the archive, then the category table from data/ again.
  await migrateToLatest(db);
  await syncCategories(db, options.catalog);

  const network = await networkFingerprint(db);
  if (network.ways !== manifest.network.ways || Math.abs(network.length_m - manifest.network.length_m) > 1) {
    warnings.push(`the walking network differs from the one the data was entered against (${network.ways} ways now, ${manifest.network.ways} then); points are re-attached to the current network at start`);
  }

  const users = (await db.selectFrom('staff_users').select(['id', 'username', 'role']).orderBy('id').execute())
    .map((u) => ({ id: u.id, username: u.username, role: u.role as string }));
  const report: RestoreReport['users'] = [];
  for (const u of users) {
    if (options.newPasswords) {
      const password = generatePassword();
      await db.updateTable('staff_users').set({ password_hash: await hashPassword(password), failed_logins: 0, locked_until: null }).where('id', '=', u.id).execute();
      report.push({ username: u.username, role: u.role, password });
    } else {
      report.push({ username: u.username, role: u.role });
    }
  }
  return { manifest, rows, users: report, warnings };
}

async function insertTable(trx: Transaction<Database>, table: TableEntry, targetColumns: { name: string; type: string }[], rows: (string | null)[][]): Promise<number> {
  if (rows.length === 0) return 0;
  // Types come from this database's catalog, never from the archive: the archive only supplies values.
  const typeOf = new Map(targetColumns.map((c) => [c.name, c.type]));
  const names = table.columns.map((c) => c.name);
  const secrets = (SECRET_COLUMNS[table.name] ?? []).filter((c) => typeOf.has(c) && !names.includes(c));
  const columnList = sql.join([...names, ...secrets].map((c) => sql.ref(c)));
  const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / names.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const values = rows.slice(start, start + perStatement).map((row) => sql`(${sql.join([
      // The value is the column's text form; a bytea one ("\\x…", a finished print file) is passed as
      // text first, or the embedded engine's driver would take the parameter for binary data.
      ...row.map((v, i) => {
        const type = typeOf.get(names[i])!;
        return type === 'bytea' ? sql`cast(cast(${v} as text) as bytea)` : sql`cast(${v} as ${sql.raw(type)})`;
      }),
      ...secrets.map(() => sql`${RESTORED_PASSWORD_MARKER}`),
    ])})`);
    await sql`insert into ${sql.table(table.name)} (${columnList}) values ${sql.join(values)}`.execute(trx);
  }
  return rows.length;
}

/** Serial columns continue after the highest restored id, so new records never collide. */
async function resetSequences(trx: Transaction<Database>, tables: string[]): Promise<void> {
  const { rows } = await sql<{ table: string; column: string; sequence: string }>`
    select c.relname as table, a.attname as column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) as sequence
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind = 'r' and c.relname = any(${tables})
      and pg_get_serial_sequence(quote_ident(c.relname), a.attname) is not null`.execute(trx);
  for (const r of rows) {
    await sql`select setval(${r.sequence}, coalesce((select max(${sql.ref(r.column)}) from ${sql.table(r.table)}), 0) + 1, false)`.execute(trx);
  }
}
