// The answers of the checkup routes the admin page reads: the surface of a street (routes.ts) and a report
// job (reportRoutes.ts). The admin 体检 panel types its answers from these (type-only import).
import { Type } from 'typebox';

export const CategoryShare = Type.Object({
  category: Type.String(), share: Type.Union([Type.Number(), Type.Null()]),
  weighting: Type.Union([Type.Literal('residents'), Type.Literal('street_length')], { description: 'what `share` is weighted by: residents of compounds where compounds with residents exist, else sampled street length' }),
  target_min: Type.Number(), length_share: Type.Union([Type.Number(), Type.Null()]), residents_share: Type.Union([Type.Number(), Type.Null()]),
  residents_covered: Type.Integer(), residents_counted: Type.Integer(), compounds_covered: Type.Integer(), compounds_gap: Type.Integer(),
});

export const SurfaceResponse = Type.Object({
  street_code: Type.Union([Type.String(), Type.Null()]), street_name: Type.String(), profile: Type.String(),
  spacing_m: Type.Number(), sampled_m: Type.Number(), samples: Type.Integer(),
  mean_score: Type.Union([Type.Number(), Type.Null()]), mean_score_weighting: Type.Literal('street_length'),
  categories: Type.Array(CategoryShare), tiles: Type.String(), tile_layer: Type.String(), version: Type.String(), computed_ms: Type.Number(),
});

export const JobStatus = Type.Object({
  id: Type.String(), street_code: Type.Union([Type.String(), Type.Null()]), lang: Type.String(), profile: Type.String(),
  status: Type.String(), stage: Type.String(), progress: Type.Number({ minimum: 0, maximum: 1 }),
  created_at: Type.String(), finished_at: Type.Union([Type.String(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]),
  file: Type.Union([Type.String(), Type.Null()]), bytes: Type.Union([Type.Integer(), Type.Null()]),
});
