// The answer of GET /api/areas (plugin.ts). The admin 区划 tab types its list from it (type-only import).
import { Type } from 'typebox';

export const AreaFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) }),
  properties: Type.Object({
    code: Type.String(), level: Type.Union([Type.Literal('street'), Type.Literal('community')]), street_code: Type.String(),
    name: Type.String(), source: Type.Union([Type.Literal('approximate'), Type.Literal('official')]),
    label: Type.String({ description: 'name, with 近似边界 for an approximate area' }),
    imported_at: Type.String(), source_note: Type.Union([Type.String(), Type.Null()]),
  }),
});
export const AreaCollection = Type.Object({ type: Type.Literal('FeatureCollection'), tolerance_m: Type.Integer(), approximate_margin_m: Type.Integer(), features: Type.Array(AreaFeature) });
