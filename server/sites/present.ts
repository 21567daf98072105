// A board site as the API shows it: the GeoJSON feature and its TypeBox schema.
import { Type } from 'typebox';
import { Feature } from '../http/geojson.ts';
import type { BoardSiteRow } from './repository.ts';

export const SiteProperties = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('service_center'), Type.Literal('compound_gate')]),
  name: Type.String(),
  street_code: Type.String(),
  street_name: Type.String(),
  community_code: Type.Union([Type.String(), Type.Null()]),
  community_name: Type.Union([Type.String(), Type.Null()]),
  compound_id: Type.Union([Type.Integer(), Type.Null()]),
  compound_name: Type.Union([Type.String(), Type.Null()]),
  gate_id: Type.Union([Type.Integer(), Type.Null()]),
  is_sample: Type.Boolean(),
  sample_label: Type.Optional(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  version: Type.Integer(),
  updated_at: Type.String(),
  mobile_url: Type.String(),
});

/** One site as GET /api/sites/:id answers it. */
export const SiteFeature = Feature(SiteProperties);

export function siteFeature(row: BoardSiteRow, publicBaseUrl: string) {
  return {
    type: 'Feature' as const,
    id: row.id,
    geometry: { type: 'Point' as const, coordinates: [row.lon, row.lat] },
    properties: {
      id: row.id, kind: row.kind, name: row.name, street_code: row.street_code, street_name: row.street_name,
      community_code: row.community_code, community_name: row.community_name, compound_id: row.compound_id,
      compound_name: row.compound_name, gate_id: row.gate_id, is_sample: row.is_sample,
      ...(row.is_sample ? { sample_label: '示例' } : {}),
      status: row.status, version: row.version, updated_at: new Date(row.updated_at).toISOString(),
      mobile_url: `${publicBaseUrl}/m/site/${row.id}`,
    },
  };
}
