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
