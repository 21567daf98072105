// Official boundaries as the district admin uploads them: a GeoJSON FeatureCollection whose features
// carry a division code in a property. Every problem names the feature and field; nothing is stored
// unless every feature passes (server/areas/routes.ts writes them in one transaction).
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { toWgs84, type Crs, type DistrictOutline } from '../records/validation.ts';

export interface OfficialArea { code: string; level: 'street' | 'community'; street_code: string; polygons: [number, number][][][] }

/** Property names tried, in order, when the upload does not say which one holds the code. */
export const CODE_PROPERTIES = ['code', 'division_code', 'admin_code', 'adcode', 'xzqdm', 'XZQDM', 'CODE', 'DM'];
export const MAX_IMPORT_FEATURES = 500;

const bad = (field: string, message: string, messageZh: string) => new HttpError(400, `${field}: ${message}`, field, messageZh);

function ringsOf(geometry: { type?: unknown; coordinates?: unknown }, field: string, crs: Crs): [number, number][][][] {
  if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') {
    throw bad(field, 'must be a Polygon or MultiPolygon', '须为面（Polygon 或 MultiPolygon）');
  }
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[];
  if (!Array.isArray(polygons) || polygons.length === 0) throw bad(field, 'has no coordinates', '没有坐标');
  return polygons.map((polygon) => {
    if (!Array.isArray(polygon) || polygon.length === 0) throw bad(field, 'has an empty polygon', '包含空的面');
    return polygon.map((ring) => {
      if (!Array.isArray(ring) || ring.length < 4) throw bad(field, 'has a ring of fewer than 4 positions', '某个环少于 4 个坐标点');
      const out = ring.map((p) => {
        if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])
          || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
          throw bad(field, 'has a position that is not [longitude, latitude] in degrees', '包含无效坐标（应为 [经度, 纬度]）');
        }
        return toWgs84(p[0], p[1], crs);
      });
      const [first, last] = [out[0], out[out.length - 1]];
      if (first[0] !== last[0] || first[1] !== last[1]) throw bad(field, 'has a ring that is not closed', '某个环未闭合（首尾坐标不同）');
      return out;
    });
  });
}

/** Reads and checks the upload's shape and codes (pure); geometry validity is checked in PostGIS next. */
export function readOfficialAreas(
  collection: unknown, codeProperty: string | undefined, crs: Crs,
  streets: { code: string; communities: { code: string }[] }[],
  districtName: { zh: string; en: string },
): OfficialArea[] {
  const fc = collection as { type?: unknown; features?: unknown };
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw bad('geojson', 'must be a GeoJSON FeatureCollection', '须为 GeoJSON 要素集合（FeatureCollection）');
  }
  if (fc.features.length === 0) throw bad('geojson.features', 'is empty', '没有任何要素');
  if (fc.features.length > MAX_IMPORT_FEATURES) throw bad('geojson.features', `holds more than ${MAX_IMPORT_FEATURES} features`, `要素超过 ${MAX_IMPORT_FEATURES} 个`);
  const streetOf = new Map<string, { level: 'street' | 'community'; street: string }>();
  for (const s of streets) {
    streetOf.set(s.code, { level: 'street', street: s.code });
    for (const c of s.communities) streetOf.set(c.code, { level: 'community', street: s.code });
  }
  const seen = new Set<string>();
  return (fc.features as { properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } }[]).map((f, i) => {
    const props = f?.properties ?? {};
    const key = codeProperty ?? CODE_PROPERTIES.find((k) => props[k] !== undefined && props[k] !== null && props[k] !== '');
    const field = `geojson.features.${i}.properties.${key ?? codeProperty ?? 'code'}`;
    if (!key || props[key] === undefined || props[key] === null || props[key] === '') {
      throw bad(field, `has no division code (looked for ${codeProperty ?? CODE_PROPERTIES.join(', ')})`, `缺少区划代码（查找的属性：${codeProperty ?? CODE_PROPERTIES.join('、')}）`);
    }
    const raw = String(props[key]).trim();
    // Official codes are 12 digits; a 9-digit street code is the same code without its three trailing zeros.
    const code = /^\d{9}$/.test(raw) ? `${raw}000` : raw;
    const known = streetOf.get(code);
    if (!known) throw bad(field, `"${raw}" is not a street or community code of ${districtName.en}`, `“${raw}”不是${districtName.zh}的街道或社区代码`);
    if (seen.has(code)) throw bad(field, `code ${code} appears twice`, `代码 ${code} 重复出现`);
    seen.add(code);
    const polygons = ringsOf(f?.geometry ?? {}, `geojson.features.${i}.geometry`, crs);
    return { code, level: known.level, street_code: known.street, polygons };
  });
}

const geom = (polygons: unknown) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({ type: 'MultiPolygon', coordinates: polygons })}), 4326)`;

/** Every polygon valid (PostGIS rules) and mostly inside the district (within about 300 m of its outline). */
export async function checkOfficialGeometry(trx: Transaction<Database>, areas: OfficialArea[], district: DistrictOutline): Promise<void> {
  for (const [i, a] of areas.entries()) {
    const field = `geojson.features.${i}.geometry`;
    const { rows: [valid] } = await sql<{ ok: boolean; reason: string }>`
      select ST_IsValid(g) as ok, ST_IsValidReason(g) as reason from (select ${geom(a.polygons)} as g) x`.execute(trx);
    if (!valid.ok) throw bad(field, `is not a valid polygon (${valid.reason}) for ${a.code}`, `${a.code} 的边界不是有效的面（${valid.reason}）`);
    const { rows: [near] } = await sql<{ share: number }>`
      select ST_Area(ST_Intersection(g, ST_Buffer(${geom(district.polygons)}, 0.003))) / nullif(ST_Area(g), 0) as share
        from (select ${geom(a.polygons)} as g) x`.execute(trx);
    if (!(Number(near.share) >= 0.9)) {
      const name = district.name ?? { en: 'the district', zh: '本区' };
      throw bad(field, `the boundary of ${a.code} lies mostly outside ${name.en} (check the coordinate system: WGS84, GCJ-02 or BD-09)`,
        `${a.code} 的边界大部分不在${name.zh}范围内（请检查坐标系：WGS84、GCJ-02 或 BD-09）`);
    }
  }
}

/** Replaces the areas of those codes (approximate or earlier official) with the official ones. */
export async function storeOfficialAreas(trx: Transaction<Database>, areas: OfficialArea[], staffId: number, note: string | null): Promise<{ replaced: { code: string; source: string }[] }> {
  const codes = areas.map((a) => a.code);
  const replaced = await trx.deleteFrom('division_areas').where('code', 'in', codes).returning(['code', 'source']).execute();
  for (const a of areas) {
    await trx.insertInto('division_areas').values({
      code: a.code, level: a.level, street_code: a.street_code, source: 'official',
      geom: sql`ST_Multi(${geom(a.polygons)})`, imported_by: staffId, source_note: note,
    }).execute();
  }
  return { replaced };
}
