// The backup archive: one zip (fflate) holding manifest.json and one JSON-lines file per table.
// Every value travels as PostgreSQL's own text form (geometry as hex EWKB, timestamps with their offset,
// jsonb as JSON text), so a restore casts it back with the column's type and gets the same value on
// either engine. Which tables are office data is decided here, in one place.
import { sql, type Kysely } from 'kysely';

export const ARCHIVE_FORMAT = '15min-service-backup';
export const ARCHIVE_FORMAT_VERSION = 1;

/**
 * Whether a manifest's format is this archive's. Archives made before the format got its neutral name
 * carry the example district's short name in front of "-15min-backup"; they have the same content and
 * still restore.
 */
export function isArchiveFormat(format: unknown): boolean {
  return format === ARCHIVE_FORMAT || (typeof format === 'string' && /^[a-z]+-15min-backup$/.test(format));
}

/**
 * Tables that are not what the offices entered: rebuilt from the files in data/ on every new database
 * (network, divisions, categories), PostGIS's and Kysely's own, sessions (a restore signs everyone
 * out) and the job queue's records (`job_runs`: uploaded files and reports of jobs kept a week; a
 * restore must not run old jobs again; pg-boss's own tables are in their own schema). Every other table is backed up — including finished print files, which print records point to —
 * so a table added by a later migration is included without touching this file.
 */
export const NOT_BACKED_UP = new Set([
  'ways', 'network_nodes', 'streets', 'communities', 'dimensions', 'categories',
  'spatial_ref_sys', 'kysely_migration', 'kysely_migration_lock',
  'staff_sessions', 'job_runs',
]);

/** Columns never written to an archive. Restored staff accounts get a new password (see README). */
export const SECRET_COLUMNS: Record<string, string[]> = { staff_users: ['password_hash'] };

/** Stored instead of a password hash: matches no password, so a restored account cannot sign in until reset. */
export const RESTORED_PASSWORD_MARKER = '!restored-without-password';

/**
 * Tables that a new, empty database already fills by itself (migrations and first start), and that a
 * restore therefore replaces instead of requiring them to be empty.
 */
export const REPLACED_ON_RESTORE = new Set(['app_settings', 'desk_services', 'desk_request_topics']);

export interface ColumnInfo { name: string; type: string }

export interface TableEntry {
  name: string;
  file: string;
  columns: ColumnInfo[];
  rows: number;
  sha256: string;
}

export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  format_version: number;
  created_at: string;
  /** The engine and place it was taken from (never a password). */
  source: { engine: string; location: string };
  /** Applied migrations, in order: the schema version of the data. */
  migrations: string[];
  /** The walking network the data was entered against (reloaded from data/ on restore, not archived). */
  network: { ways: number; length_m: number };
  tables: TableEntry[];
  omitted: { tables: string[]; columns: Record<string, string[]> };
}

/** Base tables of the public schema with their columns (type as format_type gives it, e.g. geometry(Point,4326)). */
export async function describeTables(db: Kysely<any>): Promise<Map<string, ColumnInfo[]>> {
  const { rows } = await sql<{ table: string; column: string; type: string }>`
    select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by c.relname, a.attnum`.execute(db);
  const tables = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    if (!tables.has(r.table)) tables.set(r.table, []);
    tables.get(r.table)!.push({ name: r.column, type: r.type });
  }
  return tables;
}

/** Foreign keys between tables, so that parents are written (and restored) before their children. */
export async function tablesInDependencyOrder(db: Kysely<any>, names: string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    select cl.relname as child, pl.relname as parent
    from pg_constraint k
    join pg_class cl on cl.oid = k.conrelid
    join pg_class pl on pl.oid = k.confrelid
    join pg_namespace n on n.oid = cl.relnamespace
    where k.contype = 'f' and n.nspname = 'public'`.execute(db);
  const wanted = new Set(names);
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const r of rows) if (wanted.has(r.child) && wanted.has(r.parent) && r.child !== r.parent) parents.get(r.child)!.add(r.parent);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    if (visiting.has(name)) throw new Error(`foreign keys form a cycle through ${name}`);
    visiting.add(name);
    for (const p of [...parents.get(name)!].sort()) visit(p);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const n of [...names].sort()) visit(n);
  return ordered;
}

/** The primary key columns of a table (for a stable row order). */
export async function primaryKey(db: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await sql<{ column: string }>`
    select a.attname as column
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
    where i.indisprimary and n.nspname = 'public' and c.relname = ${table}
    order by a.attnum`.execute(db);
  return rows.map((r) => r.column);
}

export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

export async function networkFingerprint(db: Kysely<any>): Promise<{ ways: number; length_m: number }> {
  const { rows } = await sql<{ ways: number; length_m: number }>`
    select count(*)::int as ways, coalesce(round(sum(length_m)::numeric, 1), 0)::float8 as length_m from ways`.execute(db);
  return rows[0];
}
