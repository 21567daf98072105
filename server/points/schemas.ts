// TypeBox schemas for service points: the same schema validates, documents (/docs) and types.
import { Type, type Static } from 'typebox';
import { FeatureCollection, Feature } from '../http/geojson.ts';
import { StreetCode } from '../records/schemas.ts';

export const PointProperties = Type.Object({
  id: Type.Integer(),
  external_id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  category: Type.String(),
  category_name_zh: Type.String(),
  category_name_en: Type.String(),
  color: Type.String(),
  icon: Type.String(),
  dimension: Type.String(),
  subtype: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  opening_hours: Type.Union([Type.String(), Type.Null()]),
  street_code: Type.Union([Type.String(), Type.Null()]),
  community_code: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  is_sample: Type.Boolean(),
  sample_label: Type.Optional(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  version: Type.Integer(),
  updated_at: Type.String(),
});
export type PointProperties = Static<typeof PointProperties>;

export const PointFeature = Feature(PointProperties);
export const PointCollection = Type.Intersect([
  FeatureCollection(PointProperties),
  Type.Object({
    total: Type.Integer(),
    contains_sample: Type.Boolean(),
    sample_notice: Type.Optional(Type.String()),
    attribution: Type.String(),
  }),
]);

export const PointListQuery = Type.Object({
  category: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'one or more category ids, comma separated' })),
  street: Type.Optional(StreetCode),
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat (WGS84)' })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')], { default: 'active' })),
  sample: Type.Optional(Type.Boolean({ description: 'true: only sample rows; false: only real rows' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'text search in name, address and sub-type' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 5000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000 })),
}, { additionalProperties: false });
export type PointListQuery = Static<typeof PointListQuery>;

const NullableText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], description ? { description } : {}));

/** Fields of a point an editor sends. Presence and types are checked here; meaning (category, phone, hours, district) in validation.ts. */
const PointWriteFields = {
  name: Type.String({ maxLength: 200, description: '名称, 1–100 characters' }),
  category: Type.String({ maxLength: 40, description: 'category id (e.g. elder_care) or its Chinese/English name' }),
  subtype: NullableText(100),
  address: NullableText(400),
  phone: NullableText(100, 'e.g. 022-23456789, 23456789, 13812345678, 022-23456789转801; up to three separated by /'),
  opening_hours: NullableText(255, 'OpenStreetMap opening_hours, e.g. "Mo-Fr 08:30-17:30; Sa 09:00-12:00"'),
  lon: Type.Number({ description: 'longitude in the system given by crs' }),
  lat: Type.Number({ description: 'latitude in the system given by crs' }),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84', description: 'coordinate system of lon/lat; stored as WGS84' })),
  street_code: Type.Optional(Type.String({ maxLength: 20, description: "12-digit street code; defaults to the editor's street" })),
  community_code: NullableText(20),
  external_id: NullableText(64, 'the id the street office uses in its own spreadsheet (import matches on it)'),
};

export const PointCreateBody = Type.Object(PointWriteFields, { additionalProperties: false });
export type PointCreateBody = Static<typeof PointCreateBody>;

export const PointPatchBody = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'the version this edit is based on; a newer stored version gets 409 with the current record' }),
  ...Object.fromEntries(Object.entries(PointWriteFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof PointWriteFields]: ReturnType<typeof Type.Optional<(typeof PointWriteFields)[K]>>
  },
}, { additionalProperties: false });
export type PointPatchBody = Static<typeof PointPatchBody>;
