// Loads the district's sample file (data/sample/*.json, made by scripts/generate-sample.ts). Every row is_sample = true.
// Board sites: one per community service center and one per compound main gate; then the recurring
// mobile desk plans at some of those sites, with their visits from today on (sampleDesks.ts).
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalog } from '../catalog.ts';
import { loadSampleDesks, type SampleDeskPlan } from './sampleDesks.ts';

interface SampleFile {
  street_code: string;
  service_centers: { key: string; name: string; community_code: string; address: string; phone: string; lon: number; lat: number }[];
  compounds: {
    key: string; name: string; community_code: string; address: string; lon: number; lat: number;
    households: number; residents: number; gates: { name: string; lon: number; lat: number; step_free: boolean }[];
  }[];
  points: {
    external_id: string; name: string; category: string; subtype: string; community_code: string; address: string;
    phone: string | null; opening_hours: string; lon: number; lat: number;
  }[];
  desk_plans: SampleDeskPlan[];
}

const pointGeom = (lon: number, lat: number) => sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;

export function readSample(file: string): SampleFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SampleFile;
}

export async function loadSample(db: Kysely<Database>, file: string, catalog: Catalog, now = new Date()): Promise<void> {
  const sample = readSample(file);
  const street = sample.street_code;
  await db.transaction().execute(async (trx) => {
    /** Board site ids by the sample's keys: a service center's key, a compound's key for its main-gate site. */
    const siteIds = new Map<string, number>();
    for (const c of sample.service_centers) {
      const { id } = await trx.insertInto('board_sites').values({
        kind: 'service_center', name: c.name, street_code: street, community_code: c.community_code,
        geom: pointGeom(c.lon, c.lat), is_sample: true,
      }).returning('id').executeTakeFirstOrThrow();
      siteIds.set(c.key, id);
    }
    for (const c of sample.compounds) {
      const { id: compoundId } = await trx.insertInto('compounds').values({
        street_code: street, community_code: c.community_code, name: c.name, address: c.address,
        households: c.households, residents: c.residents, geom: pointGeom(c.lon, c.lat), is_sample: true,
      }).returning('id').executeTakeFirstOrThrow();
      for (const [i, g] of c.gates.entries()) {
        const { id: gateId } = await trx.insertInto('compound_gates').values({
          compound_id: compoundId, name: g.name, step_free: g.step_free, geom: pointGeom(g.lon, g.lat), is_sample: true,
        }).returning('id').executeTakeFirstOrThrow();
        if (i === 0) {
          const { id } = await trx.insertInto('board_sites').values({
            kind: 'compound_gate', name: `${c.name}${g.name}`, street_code: street, community_code: c.community_code,
            compound_id: compoundId, gate_id: gateId, geom: pointGeom(g.lon, g.lat), is_sample: true,
          }).returning('id').executeTakeFirstOrThrow();
          siteIds.set(c.key, id);
        }
      }
    }
    for (const p of sample.points) {
      const category = catalog.categoryById.get(p.category);
      if (!category) throw new Error(`sample point ${p.external_id} has unknown category ${p.category}`);
      await trx.insertInto('service_points').values({
        external_id: p.external_id, name: p.name, category_id: category.id, dimension_id: category.dimension,
        subtype: p.subtype, address: p.address, phone: p.phone, opening_hours: p.opening_hours,
        street_code: street, community_code: p.community_code, geom: pointGeom(p.lon, p.lat),
        source: 'sample', is_sample: true,
      }).execute();
    }
    await loadSampleDesks(trx, sample.desk_plans ?? [], siteIds, now);
  });
}
