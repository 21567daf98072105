// TypeBox schemas of the coverage API: the same schema validates, documents (/docs) and types.
import { Type, type Static, type TSchema } from 'typebox';
import { ProfileId, StreetCode } from '../records/schemas.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CategoryId = Type.String({ pattern: '^[a-z_]{1,40}$', description: 'category id from /api/categories, e.g. elder_care' });

export const CoverageQuery = Type.Object({
  street: Type.Optional(StreetCode),
  profile: Type.Optional(ProfileId),
  category: Type.Optional(CategoryId),
  status: Type.Optional(Type.Union([Type.Literal('gap'), Type.Literal('unknown'), Type.Literal('covered'), Type.Literal('all')], {
    description: 'which rows to list (default all); summaries always count every row',
  })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200000 })),
}, { additionalProperties: false });
export type CoverageQuery = Static<typeof CoverageQuery>;

export const CoverageRowSchema = Type.Object({
  compound_id: Type.Integer(),
  compound_name: Type.String(),
  street_code: Type.String(),
  community_code: Nullable(Type.String()),
  households: Nullable(Type.Integer()),
  residents: Nullable(Type.Integer()),
  category: Type.String(),
  walk_min: Nullable(Type.Number()),
  walk_m: Nullable(Type.Number()),
  target_min: Type.Number(),
  target_source: Type.Union([Type.Literal('default'), Type.Literal('street')]),
  gap: Type.Boolean(),
  over_min: Nullable(Type.Number()),
  status: Type.Union([Type.Literal('covered'), Type.Literal('gap'), Type.Literal('unknown')]),
  note: Nullable(Type.String()),
  nearest: Nullable(Type.Object({ id: Type.Union([Type.Integer(), Type.String()]), name: Nullable(Type.String()) })),
  gate: Nullable(Type.Object({ id: Nullable(Type.Integer()), name: Type.String() })),
});

export const Tally = Type.Object({
  compounds: Type.Integer(),
  covered: Type.Integer(),
  gaps: Type.Integer(),
  unknown: Type.Integer(),
  share_covered: Nullable(Type.Number()),
  residents: Type.Integer(),
  residents_covered: Type.Integer(),
  residents_gap: Type.Integer(),
  share_residents_covered: Nullable(Type.Number()),
  compounds_without_residents: Type.Integer(),
});

export const StreetSummarySchema = Type.Object({
  street_code: Type.String(),
  street_name: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('no_data')]),
  compounds: Type.Integer(),
  residents: Type.Integer(),
  compounds_without_gaps: Type.Integer(),
  residents_without_gaps: Type.Integer(),
  gap_rows: Type.Integer(),
  unknown_rows: Type.Integer(),
  overall: Tally,
  by_category: Type.Record(Type.String(), Tally),
});

const CategoryRef = Type.Object({ id: Type.String(), name_zh: Type.String(), name_en: Type.String(), color: Type.String(), icon: Type.String() });

export const CoverageResponse = Type.Object({
  profile: Type.String(),
  street: Nullable(Type.String()),
  computed_ms: Type.Number({ description: 'time spent on this answer (0 when the cached analysis was still current)' }),
  analysis_ms: Type.Number({ description: 'time the district-wide walking analysis took when it last ran' }),
  categories: Type.Array(CategoryRef),
  rows_total: Type.Integer(),
  rows: Type.Array(CoverageRowSchema, { description: 'worst gaps first, then unknown, then covered' }),
  summary: Type.Object({
    by_category: Type.Record(Type.String(), Tally),
    streets: Type.Array(StreetSummarySchema),
  }),
  contains_sample: Type.Boolean(),
  sample_notice: Type.Optional(Type.String()),
});

export const CompoundMapQuery = Type.Object({
  street: Type.Optional(StreetCode),
  profile: Type.Optional(ProfileId),
}, { additionalProperties: false });

export const CompoundMapResponse = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    id: Type.Integer(),
    geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
    properties: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      street_code: Type.String(),
      residents: Nullable(Type.Integer()),
      households: Nullable(Type.Integer()),
      gaps: Type.Integer(),
      unknown: Type.Integer(),
      is_sample: Type.Boolean(),
      categories: Type.Record(Type.String(), Type.Object({
        walk_min: Nullable(Type.Number()), target_min: Type.Number(), status: Type.String(), note: Nullable(Type.String()),
        nearest: Nullable(Type.String()),
      })),
    }),
  })),
});

export const WhatIfBody = Type.Object({
  category: CategoryId,
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  profile: Type.Optional(ProfileId),
  /** Ring minutes to draw around the new point (default 5, 10, 15 and the target). */
  ring_minutes: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 30 }), { minItems: 0, maxItems: 4 })),
}, { additionalProperties: false });
export type WhatIfBody = Static<typeof WhatIfBody>;

const NewlyCoveredSchema = Type.Object({
  compound_id: Type.Integer(),
  compound_name: Type.String(),
  street_code: Type.String(),
  residents: Nullable(Type.Integer()),
  households: Nullable(Type.Integer()),
  walk_min_before: Nullable(Type.Number()),
  walk_min_after: Type.Number(),
  target_min: Type.Number(),
  gate_name: Type.String(),
  lon: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
});

const StreetChangeSchema = Type.Object({
  street_code: Type.String(),
  street_name: Type.String(),
  compounds: Type.Integer(),
  covered_before: Type.Integer(),
  covered_after: Type.Integer(),
  share_before: Nullable(Type.Number()),
  share_after: Nullable(Type.Number()),
  residents_covered_before: Type.Integer(),
  residents_covered_after: Type.Integer(),
  share_residents_before: Nullable(Type.Number()),
  share_residents_after: Nullable(Type.Number()),
});

const RingsSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({ minutes: Type.Number() }),
    geometry: Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) }),
  })),
});

const WhatIfFields = {
  category: Type.String(),
  profile: Type.String(),
  location: Type.Object({
    lon: Type.Number(), lat: Type.Number(), snapped_lon: Type.Number(), snapped_lat: Type.Number(),
    snap_m: Type.Number(), road: Nullable(Type.String()),
  }),
  target_min: Type.Number({ description: 'the default target of the category for this profile (streets may override it)' }),
  newly_covered: Type.Array(NewlyCoveredSchema),
  newly_covered_compounds: Type.Integer(),
  newly_covered_residents: Type.Integer(),
  newly_covered_mean_walk_min: Nullable(Type.Number()),
  nearer_compounds: Type.Integer(),
  streets: Type.Array(StreetChangeSchema),
  rings: RingsSchema,
};

export const WhatIfResponse = Type.Object({ ...WhatIfFields, saved: Type.Literal(false) });

export const SuggestBody = Type.Object({
  category: CategoryId,
  profile: Type.Optional(ProfileId),
  street: Type.Optional(StreetCode),
  candidates: Type.Optional(Type.Array(Type.Object({
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 500 })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  spacing_m: Type.Optional(Type.Integer({ minimum: 20, maximum: 500 })),
  weight_by_reports: Type.Optional(Type.Boolean({ description: 'also rank by the residents\' open 缺少服务 reports of the category each site would answer (within its target walk)' })),
  residents_per_report: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'what one report weighs, in residents (default 100)' })),
}, { additionalProperties: false });
export type SuggestBody = Static<typeof SuggestBody>;

export const SuggestResponse = Type.Object({
  category: Type.String(),
  profile: Type.String(),
  street: Nullable(Type.String()),
  gap_compounds: Type.Integer(),
  gap_residents: Type.Integer(),
  candidates_evaluated: Type.Integer(),
  candidates_off_network: Type.Integer(),
  source: Type.Union([Type.Literal('supplied'), Type.Literal('network')]),
  spacing_m: Nullable(Type.Number()),
  computed_ms: Type.Number(),
  suggestions: Type.Array(Type.Object({
    rank: Type.Integer({ description: 'greedy order: each site adds the most residents the earlier ones leave uncovered' }),
    label: Nullable(Type.String()),
    place_name: Type.String({ description: 'nearest named street and cross street, e.g. 友谊北路与津港路交口附近' }),
    adds_compound_ids: Type.Array(Type.Integer(), { description: 'gap compounds this site covers that no earlier suggestion covers' }),
    adds_compounds: Type.Integer(),
    adds_residents: Type.Integer(),
    answers_report_ids: Type.Array(Type.Integer(), { description: 'open 缺少服务 reports this site answers that no earlier suggestion answers (report weighting only)' }),
    answers_reports: Type.Integer(),
    ...WhatIfFields,
  })),
  report_weighting: Type.Union([Type.Object({
    residents_per_report: Type.Integer(), reports_considered: Type.Integer(), reports_answered: Type.Integer(),
  }), Type.Null()], { description: 'null: ranked by residents only; otherwise how residents\' reports were weighed' }),
  saved: Type.Literal(false),
});

export const FewestSitesBody = Type.Object({
  category: CategoryId,
  profile: Type.Optional(ProfileId),
  street: Type.Optional(StreetCode),
  budget: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'also find the k places covering the most residents' })),
  spacing_m: Type.Optional(Type.Integer({ minimum: 20, maximum: 500 })),
}, { additionalProperties: false });
export type FewestSitesBody = Static<typeof FewestSitesBody>;

const PlannedSite = Type.Object({
  lon: Type.Number(), lat: Type.Number(), road: Nullable(Type.String()), place_name: Type.String(),
  compound_ids: Type.Array(Type.Integer(), { description: 'gap compounds of the scope this place brings within target' }),
  compounds: Type.Integer(), residents: Type.Integer(),
});

const ExactFields = {
  status: Type.Union([Type.Literal('optimal'), Type.Literal('time_limit'), Type.Literal('infeasible'), Type.Literal('error')]),
  proven_optimal: Type.Boolean({ description: 'HiGHS proved no better answer exists over these candidate places' }),
  solver_status: Type.String(),
  solve_ms: Type.Number(),
  variables: Type.Integer(),
  constraints: Type.Integer(),
  sites: Type.Array(PlannedSite),
  greedy_sites: Type.Array(PlannedSite),
};

export const FewestSitesResponse = Type.Object({
  category: Type.String(),
  profile: Type.String(),
  street: Nullable(Type.String()),
  gap_compounds: Type.Integer(),
  gap_residents: Type.Integer(),
  uncoverable: Type.Array(Type.Object({ compound_id: Type.Integer(), compound_name: Type.String(), residents: Nullable(Type.Integer()) })),
  candidates_evaluated: Type.Integer(),
  spacing_m: Nullable(Type.Number()),
  cover: Type.Object({ ...ExactFields, count: Nullable(Type.Integer()), greedy_count: Type.Integer() }),
  budget: Nullable(Type.Object({
    ...ExactFields, k: Type.Integer(), residents_covered: Type.Integer(), compounds_covered: Type.Integer(),
    greedy_residents: Type.Integer(), greedy_compounds: Type.Integer(),
  })),
  computed_ms: Type.Number(),
  saved: Type.Literal(false),
});

export const SettingsQuery = Type.Object({ street: StreetCode }, { additionalProperties: false });

const SettingEntry = Type.Object({
  category: Type.String(),
  defaults: Type.Record(Type.String(), Type.Number()),
  overrides: Type.Record(Type.String(), Type.Number()),
  effective: Type.Record(Type.String(), Type.Number()),
  incomplete: Type.Boolean(),
  note: Nullable(Type.String()),
});

export const SettingsResponse = Type.Object({
  street_code: Type.String(),
  street_name: Type.String(),
  profiles: Type.Array(Type.String()),
  categories: Type.Array(SettingEntry),
});

export const SettingParams = Type.Object({ street: StreetCode, category: CategoryId });

export const SettingBody = Type.Object({
  // "default" rather than null: with type coercion on, a null branch would silently turn 0 into null.
  targets: Type.Optional(Type.Record(ProfileId, Type.Union([Type.Number({ minimum: 1, maximum: 60 }), Type.Literal('default')]), {
    description: 'minutes per profile; "default" returns the profile to the default of data/categories.json',
  })),
  incomplete: Type.Optional(Type.Boolean({ description: 'true: this street\'s data for the category is known to be incomplete (gaps show as unknown)' })),
  note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
}, { additionalProperties: false });
export type SettingBody = Static<typeof SettingBody>;

export const SettingResponse = SettingEntry;

export const ExportQuery = Type.Object({
  street: Type.Optional(StreetCode),
  profile: Type.Optional(ProfileId),
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
}, { additionalProperties: false });
export type ExportQuery = Static<typeof ExportQuery>;

// ---- planning scenarios ---------------------------------------------------------------------------

const ScenarioPointInput = Type.Object({
  category: CategoryId,
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  label: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
}, { additionalProperties: false });

export const ScenarioCreateBody = Type.Object({
  street_code: Type.Optional(StreetCode),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  profile: Type.Optional(ProfileId),
  points: Type.Array(ScenarioPointInput, { minItems: 1, maxItems: 20 }),
}, { additionalProperties: false });
export type ScenarioCreateBody = Static<typeof ScenarioCreateBody>;

export const ScenarioPatchBody = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'the version the edit was based on; a newer stored version gets 409' }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  profile: Type.Optional(ProfileId),
  points: Type.Optional(Type.Array(ScenarioPointInput, { minItems: 1, maxItems: 20 })),
}, { additionalProperties: false });
export type ScenarioPatchBody = Static<typeof ScenarioPatchBody>;

export const ScenarioIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const ScenarioPointParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  index: Type.Integer({ minimum: 0, maximum: 19, description: 'position of the point in the scenario (from 0)' }),
});
export const ScenarioVersionBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const ScenarioVersionQuery = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const ScenarioListQuery = Type.Object({ street: Type.Optional(StreetCode) }, { additionalProperties: false });
export const ScenarioCompareQuery = Type.Object({
  a: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  b: Type.Integer({ minimum: 1, maximum: 2147483647 }),
}, { additionalProperties: false });

const ScenarioItemSchema = Type.Object({
  compound_id: Type.Integer(), compound_name: Type.String(), street_code: Type.String(), category: Type.String(),
  residents: Nullable(Type.Integer()), walk_min_before: Nullable(Type.Number()), walk_min_after: Type.Number(), target_min: Type.Number(),
});

export const ScenarioSchema = Type.Object({
  id: Type.Integer(),
  street_code: Type.String(),
  street_name: Type.String(),
  name: Type.String(),
  note: Nullable(Type.String()),
  profile: Type.String(),
  version: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
  points: Type.Array(Type.Object({
    category: Type.String(), lon: Type.Number(), lat: Type.Number(), label: Nullable(Type.String()),
    place_name: Type.String(), draft_point_id: Nullable(Type.Integer()),
  })),
  effect: Type.Object({
    compounds: Type.Integer({ description: 'distinct compounds with at least one gap closed' }),
    residents: Type.Integer({ description: 'residents of those compounds' }),
    items: Type.Array(ScenarioItemSchema, { description: 'compound × category gaps closed' }),
    by_category: Type.Array(Type.Object({ category: Type.String(), points: Type.Integer(), compounds: Type.Integer(), residents: Type.Integer() })),
  }),
  saved: Type.Literal(true),
});

export const ScenarioListResponse = Type.Object({ scenarios: Type.Array(ScenarioSchema) });

const CompareSide = Type.Object({ items: Type.Integer(), residents: Type.Integer(), list: Type.Array(ScenarioItemSchema) });
export const ScenarioCompareResponse = Type.Object({
  a: ScenarioSchema,
  b: ScenarioSchema,
  both: CompareSide,
  only_a: CompareSide,
  only_b: CompareSide,
});

export const ScenarioDraftResponse = Type.Object({
  point_id: Type.Integer(),
  point_name: Type.String(),
  point_status: Type.Literal('closed'),
  explanation: Type.String(),
  explanation_zh: Type.String(),
  scenario: ScenarioSchema,
});
