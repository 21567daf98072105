// Writes a backup of everything the offices entered to one portable archive (see format.ts), from one
// consistent snapshot: a repeatable-read, read-only transaction, so a backup taken while editors work
// never holds an edit without its audit row. The file appears under its name only when complete.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import { sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/engine.ts';
import {
  ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, NOT_BACKED_UP, SECRET_COLUMNS, appliedMigrations, describeTables, networkFingerprint,
  primaryKey, tablesInDependencyOrder, type ColumnInfo, type Manifest, type TableEntry,
} from './format.ts';

const PAGE_ROWS = 2000;

export async function writeBackup(handle: DatabaseHandle, outFile: string): Promise<Manifest> {
  const partial = `${outFile}.partial`;
  const fd = fs.openSync(partial, 'w');
  let zipError: Error | null = null;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => { finished = resolve; });
  const zip = new Zip((err, chunk, final) => {
    if (err) { zipError = err; finished(); return; }
    fs.writeSync(fd, chunk);
    if (final) finished();
  });
  try {
    const manifest = await handle.db.transaction().execute(async (trx) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(trx);
      const described = await describeTables(trx);
      const names = await tablesInDependencyOrder(trx, [...described.keys()].filter((t) => !NOT_BACKED_UP.has(t)));
      const tables: TableEntry[] = [];
      for (const name of names) {
        const secret = new Set(SECRET_COLUMNS[name] ?? []);
        const columns = described.get(name)!.filter((c) => !secret.has(c.name));
        tables.push(await writeTable(trx, zip, name, columns));
      }
      const m: Manifest = {
        format: ARCHIVE_FORMAT,
        format_version: ARCHIVE_FORMAT_VERSION,
        created_at: new Date().toISOString(),
        source: { engine: handle.engine, location: handle.location },
        migrations: await appliedMigrations(trx),
        network: await networkFingerprint(trx),
        tables,
        omitted: { tables: [...described.keys()].filter((t) => NOT_BACKED_UP.has(t)).sort(), columns: SECRET_COLUMNS },
      };
      return m;
    });
    const file = new ZipDeflate('manifest.json', { level: 6 });
    zip.add(file);
    file.push(new TextEncoder().encode(JSON.stringify(manifest, null, 2)), true);
    zip.end();
    await done;
    if (zipError) throw zipError;
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, outFile);
    return manifest;
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

/** One table as JSON lines: each row an array of the columns' text forms (null stays null). */
async function writeTable(trx: Transaction<any>, zip: Zip, name: string, columns: ColumnInfo[]): Promise<TableEntry> {
  const fileName = `tables/${name}.jsonl`;
  const file = new ZipDeflate(fileName, { level: 6 });
  zip.add(file);
  const hash = crypto.createHash('sha256');
  const encoder = new TextEncoder();
  const key = await primaryKey(trx, name);
  const order = (key.length ? key : columns.map((c) => c.name)).map((c) => sql.ref(c));
  const select = sql.join(columns.map((c) => sql`${sql.ref(c.name)}::text as ${sql.ref(c.name)}`));
  let rows = 0;
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const page = await sql<Record<string, string | null>>`
      select ${select} from ${sql.table(name)} order by ${sql.join(order)} limit ${PAGE_ROWS} offset ${offset}`.execute(trx);
    if (page.rows.length === 0) break;
    const text = page.rows.map((r) => JSON.stringify(columns.map((c) => r[c.name]))).join('\n') + '\n';
    const bytes = encoder.encode(text);
    hash.update(bytes);
    file.push(bytes);
    rows += page.rows.length;
    if (page.rows.length < PAGE_ROWS) break;
  }
  file.push(new Uint8Array(0), true);
  return { name, file: fileName, columns, rows, sha256: hash.digest('hex') };
}

