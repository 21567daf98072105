// Turns a stored point into the public GeoJSON Feature (with its category's name and colour).
import type { Catalog } from '../catalog.ts';
import { SAMPLE_NOTICE } from '../http/geojson.ts';
import type { ServicePointRow } from './repository.ts';
import type { PointProperties } from './schemas.ts';

export function pointFeature(row: ServicePointRow, catalog: Catalog) {
  const category = catalog.categoryById.get(row.category_id);
  const properties: PointProperties = {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    category: row.category_id,
    category_name_zh: category?.name_zh ?? row.category_id,
    category_name_en: category?.name_en ?? row.category_id,
    color: category?.color ?? '#666666',
    icon: category?.icon ?? '?',
    dimension: row.dimension_id,
    subtype: row.subtype,
    address: row.address,
    phone: row.phone,
    opening_hours: row.opening_hours,
    street_code: row.street_code,
    community_code: row.community_code,
    source: row.source,
    is_sample: row.is_sample,
    ...(row.is_sample ? { sample_label: '示例' } : {}),
    status: row.status,
    version: row.version,
    updated_at: new Date(row.updated_at).toISOString(),
  };
  return {
    type: 'Feature' as const,
    id: row.id,
    geometry: { type: 'Point' as const, coordinates: [row.lon, row.lat] },
    properties,
  };
}

export function sampleNotice(anySample: boolean) {
  return anySample ? { contains_sample: true, sample_notice: `${SAMPLE_NOTICE.zh} ${SAMPLE_NOTICE.en}` } : { contains_sample: false };
}
