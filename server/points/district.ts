// The district outline that "inside the district" is checked against. No official boundary ships with
// the project, but the street network is clipped to the district, so the outline is the ground within the
// snapping distance (MAX_SNAP_M) of a walkable way, with every enclosed hole filled: the same rule the
// walking engine applies when it attaches a point to the street. Computed here in TypeScript on a 40 m
// raster (a concave hull in PostGIS held the embedded engine's one thread for about two seconds).
import { DistrictInfoResponse } from '../divisions/schemas.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { contours } from 'd3-contour';
import { Type } from 'typebox';
import type { Database } from '../db/schema.ts';
import { ODBL_ATTRIBUTION } from '../http/geojson.ts';
import { utcOffsetMinutes } from '../wallClock.ts';
import type { DistrictOutline, StreetsRef, ValidationContext } from '../records/validation.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The district outline (WGS84) for position checks; cached, follows network changes. */
    districtOutline(): Promise<DistrictOutline>;
    /** Categories, streets with their communities and the district outline: what validation needs. */
    validationContext(): Promise<ValidationContext>;
  }
}

const CELL_M = 40;
const M_PER_DEG_LAT = 111_320;

/**
 * The outline of the ground within `widenM` of any of the lines (each a list of [lon, lat]), holes filled.
 * Accurate to about one cell (40 m) at the edge; cheap (tens of milliseconds for the district).
 */
export function outlineAroundLines(lines: [number, number][][], widenM: number): DistrictOutline {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const line of lines) for (const [x, y] of line) {
    minLon = Math.min(minLon, x); minLat = Math.min(minLat, y); maxLon = Math.max(maxLon, x); maxLat = Math.max(maxLat, y);
  }
  if (!Number.isFinite(minLon)) throw new Error('No walkable ways: the district outline cannot be derived');
  const mPerDegLon = M_PER_DEG_LAT * Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const dLon = CELL_M / mPerDegLon;
  const dLat = CELL_M / M_PER_DEG_LAT;
  const margin = Math.ceil(widenM / CELL_M) + 2;
  const lon0 = minLon - margin * dLon;
  const lat0 = minLat - margin * dLat;
  const w = Math.ceil((maxLon - minLon) / dLon) + 2 * margin + 1;
  const h = Math.ceil((maxLat - minLat) / dLat) + 2 * margin + 1;
  const onWay = new Uint8Array(w * h);
  // Mark every cell a way passes through (sampled at a quarter cell).
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [ax, ay] = line[i - 1];
      const [bx, by] = line[i];
      const steps = Math.max(1, Math.ceil(Math.hypot((bx - ax) / dLon, (by - ay) / dLat) * 4));
      for (let s = 0; s <= steps; s++) {
        const cx = Math.floor((ax + ((bx - ax) * s) / steps - lon0) / dLon);
        const cy = Math.floor((ay + ((by - ay) * s) / steps - lat0) / dLat);
        onWay[cy * w + cx] = 1;
      }
    }
  }
  // Widen by a disc of widenM (cell centres within the radius).
  const r = widenM / CELL_M;
  const reach = Math.ceil(r);
  const disc: number[][] = [];
  for (let dy = -reach; dy <= reach; dy++) for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= r * r) disc.push([dx, dy]);
  const inside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!onWay[y * w + x]) continue;
    for (const [dx, dy] of disc) {
      const nx = x + dx, ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < w && ny < h) inside[ny * w + nx] = 1;
    }
  }
  // Fill holes: whatever the outside cannot reach is enclosed by the network.
  const outside = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let x = 0; x < w; x++) stack.push(x, (h - 1) * w + x);
  for (let y = 0; y < h; y++) stack.push(y * w, y * w + w - 1);
  while (stack.length) {
    const i = stack.pop()!;
    if (outside[i] || inside[i]) continue;
    outside[i] = 1;
    const x = i % w, y = (i - x) / w;
    if (x > 0) stack.push(i - 1);
    if (x < w - 1) stack.push(i + 1);
    if (y > 0) stack.push(i - w);
    if (y < h - 1) stack.push(i + w);
  }
  const values = Array.from(outside, (o) => (o ? 0 : 1));
  const [shape] = contours().size([w, h]).smooth(false).thresholds([0.5])(values);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const polygons = shape.coordinates.map((polygon) => polygon.map((ring) =>
    ring.map(([x, y]) => [round(lon0 + x * dLon), round(lat0 + y * dLat)] as [number, number])));
  let bMinX = Infinity, bMinY = Infinity, bMaxX = -Infinity, bMaxY = -Infinity;
  for (const [x, y] of polygons.flatMap((p) => p[0])) {
    bMinX = Math.min(bMinX, x); bMinY = Math.min(bMinY, y); bMaxX = Math.max(bMaxX, x); bMaxY = Math.max(bMaxY, y);
  }
  return { polygons, bbox: [bMinX, bMinY, bMaxX, bMaxY] };
}

export async function loadDistrictOutline(db: Kysely<Database>, widenM: number): Promise<DistrictOutline> {
  const { rows } = await sql<{ coords: string }>`select ST_AsGeoJSON(geom, 6) as coords from ways where walkable`.execute(db);
  const lines = rows.map((r) => (JSON.parse(r.coords) as { coordinates: [number, number][] }).coordinates);
  return outlineAroundLines(lines, widenM);
}

async function districtPlugin(app: FastifyInstance): Promise<void> {
  let pending: Promise<DistrictOutline> | null = null;
  app.decorate('districtOutline', () => {
    const name = { zh: app.district.name_zh, en: app.district.name_en };
    pending ??= loadDistrictOutline(app.db, app.config.maxSnapM)
      .then((outline) => ({ ...outline, name }))
      .catch((err) => { pending = null; throw err; });
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

  app.get('/api/district/info', {
    schema: {
      tags: ['meta'],
      summary: 'The district served (from the district file): its code, names, time zone, extent, first map view, country and region, and the street the staff pages open on',
      response: {
        200: DistrictInfoResponse,
      },
    },
  }, async (_request, reply) => {
    const d = app.district;
    reply.header('cache-control', 'public, max-age=300');
    return {
      code: d.code, name_zh: d.name_zh, name_en: d.name_en, city_zh: d.city_zh, city_en: d.city_en,
      time_zone: d.time_zone, utc_offset_minutes: utcOffsetMinutes(d.time_zone, new Date()), extent: d.extent, center: d.center, zoom: d.zoom,
      country_code: d.country_code, region: d.region, default_street: d.default_street,
    };
  });

  app.get('/api/district', {
    schema: {
      tags: ['meta'],
      summary: 'The outline that positions are checked against (inside the district), derived from the street network',
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
      properties: { name: `${app.district.name_zh}（由路网推算）`, bbox: outline.bbox, attribution: ODBL_ATTRIBUTION },
    };
  });
}

export const district = fp(districtPlugin, { name: 'district' });
