// The district outline that "inside Hexi District" is checked against. No official boundary ships with
// the project, but the street network is clipped to the district, so a concave hull of the walkable
// ways, widened by the snapping distance (a point may sit that far from a way), is a close stand-in:
// 41.5 km² before widening against the official 41.24 km². Computed once, recomputed when the network changes.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/schema.ts';
import { ODBL_ATTRIBUTION } from '../http/geojson.ts';
import type { DistrictOutline, StreetsRef, ValidationContext } from './validation.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The district outline (WGS84) for position checks; cached, follows network changes. */
    districtOutline(): Promise<DistrictOutline>;
    /** Categories, streets with their communities and the district outline: what validation needs. */
    validationContext(): Promise<ValidationContext>;
  }
}

/** Concave-hull target (PostGIS ST_ConcaveHull param_pctconvex): 0.2 follows the river bends without holes. */
const HULL_CONCAVITY = 0.2;

export async function loadDistrictOutline(db: Kysely<Database>, widenM: number): Promise<DistrictOutline> {
  // Widening is done in a locally isotropic plane (longitude scaled by cos(latitude)) rather than on
  // geography: the same result within a metre here, and several times faster on the embedded engine.
  const { rows } = await sql<{ geojson: string }>`
    with hull as (
      select ST_ConcaveHull(ST_Collect(ST_Simplify(geom, 0.0002)), ${HULL_CONCAVITY}) as g from ways where walkable
    ), scaled as (
      select g, cos(radians(ST_Y(ST_Centroid(g)))) as k from hull
    )
    select ST_AsGeoJSON(ST_SimplifyPreserveTopology(
             ST_Scale(ST_Buffer(ST_Scale(g, k, 1), ${widenM / 111_320}, 4), 1 / k, 1), 0.0001), 6) as geojson
    from scaled`.execute(db);
  const geometry = rows[0]?.geojson ? JSON.parse(rows[0].geojson) as { type: string; coordinates: unknown } : null;
  if (!geometry) throw new Error('The ways table is empty: the district outline cannot be derived');
  const polygons = (geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates]) as [number, number][][][];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of polygons.flatMap((p) => p[0])) {
    minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
  }
  return { polygons, bbox: [minX, minY, maxX, maxY] };
}

async function districtPlugin(app: FastifyInstance): Promise<void> {
  let pending: Promise<DistrictOutline> | null = null;
  app.decorate('districtOutline', () => {
    pending ??= loadDistrictOutline(app.db, app.config.maxSnapM).catch((err) => { pending = null; throw err; });
    return pending;
  });
  let streets: Promise<StreetsRef[]> | null = null;
  app.dataEvents.on((change) => {
    if (change.kind === 'network' || change.kind === 'resync') { pending = null; streets = null; }
  });
  const loadStreets = async (): Promise<StreetsRef[]> => {
    const [rows, communities] = await Promise.all([
      app.db.selectFrom('streets').select(['code', 'name']).orderBy('code').execute(),
      app.db.selectFrom('communities').select(['code', 'name', 'street_code']).orderBy('code').execute(),
    ]);
    return rows.map((s) => ({ ...s, communities: communities.filter((c) => c.street_code === s.code) }));
  };
  app.decorate('validationContext', async () => {
    streets ??= loadStreets().catch((err) => { streets = null; throw err; });
    const [district, streetList] = await Promise.all([app.districtOutline(), streets]);
    return { categories: app.catalog.categories, streets: streetList, district };
  });

  app.get('/api/district', {
    schema: {
      tags: ['meta'],
      summary: 'The outline that positions are checked against (inside Hexi District), derived from the street network',
      response: {
        200: Type.Object({
          type: Type.Literal('Feature'),
          geometry: Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) }),
          properties: Type.Object({ name: Type.String(), bbox: Type.Array(Type.Number()), attribution: Type.String() }),
        }),
      },
    },
  }, async (_request, reply) => {
    const outline = await app.districtOutline();
    reply.header('cache-control', 'public, max-age=300');
    return {
      type: 'Feature' as const,
      geometry: { type: 'MultiPolygon' as const, coordinates: outline.polygons },
      properties: { name: '河西区（由路网推算）', bbox: outline.bbox, attribution: ODBL_ATTRIBUTION },
    };
  });
}

export const district = fp(districtPlugin, { name: 'district' });
