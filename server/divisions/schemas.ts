// TypeBox schema of the catalog answer (GET /api/categories): the categories, dimensions and walking
// profiles of data/*.json as the API, the resident map and the phone page read them.
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
