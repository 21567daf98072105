// Loads the district's streets and communities (names and official codes) from its divisions file
// (server/district.ts), and the category and dimension tables from data/.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalog } from '../catalog.ts';

interface DivisionRow {
  level: 'street' | 'community';
  code: string; name: string; parent_code: string; parent_name: string; approx_lon: string; approx_lat: string;
}

/** The rows of a divisions CSV (level, code, name, parent_code, parent_name, approx_lon, approx_lat). */
export function readDivisions(file: string): DivisionRow[] {
  const text = fs.readFileSync(file, 'utf8');
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as DivisionRow[];
}

/**
 * Community rows whose official code repeats an earlier row's (a published list may give two committees
 * one code; data/README.md names the case). A code must name one community, so the first row is kept
 * and the repeat is reported rather than given an invented code.
 */
export function duplicateCommunityCodes(rows: DivisionRow[]): DivisionRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => r.level === 'community' && (seen.has(r.code) || !seen.add(r.code)));
}

export async function loadDivisions(db: Kysely<Database>, file: string, log: (msg: string) => void = () => {}): Promise<void> {
  const rows = readDivisions(file);
  for (const d of duplicateCommunityCodes(rows)) log(`division code ${d.code} repeats for ${d.name}; kept the first row`);
  await db.transaction().execute(async (trx) => {
    for (const s of rows.filter((r) => r.level === 'street')) {
      await trx.insertInto('streets')
        .values({ code: s.code, name: s.name, district_code: s.parent_code, district_name: s.parent_name })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: s.name }))
        .execute();
    }
    for (const c of rows.filter((r) => r.level === 'community')) {
      const geom = c.approx_lon && c.approx_lat
        ? sql`ST_SetSRID(ST_MakePoint(${Number(c.approx_lon)}, ${Number(c.approx_lat)}), 4326)` : null;
      await trx.insertInto('communities')
        .values({ code: c.code, street_code: c.parent_code, name: c.name, approx_geom: geom })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  });
}

/** The category table in the database mirrors data/categories.json (the file is the truth). */
export async function syncCategories(db: Kysely<Database>, catalog: Catalog): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const d of catalog.dimensions) {
      await trx.insertInto('dimensions').values(d)
        .onConflict((oc) => oc.column('id').doUpdateSet({ name_zh: d.name_zh, name_en: d.name_en }))
        .execute();
    }
    for (const [i, c] of catalog.categories.entries()) {
      const row = {
        id: c.id, name_zh: c.name_zh, name_en: c.name_en, color: c.color, icon: c.icon,
        dimension_id: c.dimension, sort_order: i,
      };
      await trx.insertInto('categories').values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
  });
}
