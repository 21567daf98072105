// TypeBox schemas of the reference answers: the catalog (GET /api/categories: the categories, dimensions
// and walking profiles of data/*.json) and the streets with their communities (GET /api/streets).
import { Type } from 'typebox';

export const CatalogResponse = Type.Object({
  categories: Type.Array(Type.Object({
    id: Type.String(), name_zh: Type.String(), name_en: Type.String(), color: Type.String(), icon: Type.String(),
    dimension: Type.String(), target_minutes: Type.Record(Type.String(), Type.Number()), subtypes: Type.Array(Type.String()),
  })),
  dimensions: Type.Array(Type.Object({ id: Type.String(), name_zh: Type.String(), name_en: Type.String() })),
  profiles: Type.Array(Type.Object({
    id: Type.String(), name_zh: Type.String(), name_en: Type.String(), speed_mps: Type.Number(),
  }, { additionalProperties: true })),
});

export const StreetsResponse = Type.Array(Type.Object({
  code: Type.String(), name: Type.String(),
  communities: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), lon: Type.Union([Type.Number(), Type.Null()]), lat: Type.Union([Type.Number(), Type.Null()]) })),
}));

/** GET /api/district/info: the district served, from the district file (server/district.ts). */
export const DistrictInfoResponse = Type.Object({
  code: Type.String(), name_zh: Type.String(), name_en: Type.String(), city_zh: Type.String(), city_en: Type.String(),
  time_zone: Type.String({ description: 'IANA time zone of every local date and time' }),
  utc_offset_minutes: Type.Integer({ description: "the time zone's offset from UTC when answered, in minutes (pages read their clock with it)" }),
  extent: Type.Array(Type.Number(), { description: '[west, south, east, north], WGS84' }),
  center: Type.Array(Type.Number(), { description: '[lon, lat] where the maps open' }),
  zoom: Type.Number({ description: 'zoom the maps open at' }),
  country_code: Type.Union([Type.String(), Type.Null()], { description: 'ISO 3166-1 alpha-2, lower case: whose public holidays (PH) opening hours follow' }),
  region: Type.Union([Type.String(), Type.Null()], { description: 'region (province) as the holiday tables name it' }),
  default_street: Type.Union([Type.String(), Type.Null()]),
});
