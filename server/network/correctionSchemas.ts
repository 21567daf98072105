// TypeBox schemas of the network correction routes (路网纠错).
import { Type } from 'typebox';

const LonLat = Type.Array(Type.Number(), { minItems: 2, maxItems: 2 });
export const CorrectionGeometry = Type.Union([
  Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(LonLat, { minItems: 2, maxItems: 500 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('Point'), coordinates: LonLat }, { additionalProperties: false }),
]);

const fields = {
  street_code: Type.String({ pattern: '^[0-9]{12}$' }),
  kind: Type.Union([Type.Literal('path'), Type.Literal('closure'), Type.Literal('gate'), Type.Literal('crossing')]),
  geometry: CorrectionGeometry,
  level: Type.Union([Type.Literal('ground'), Type.Literal('bridge'), Type.Literal('tunnel')], { description: 'path: on the ground, a bridge or a tunnel' }),
  steps: Type.Boolean({ description: 'path: it has steps' }),
  step_free_only: Type.Boolean({ description: 'closure: closed only for step-free walking (stairs, kerbs)' }),
  valid_from: Type.Union([Type.String(), Type.Null()], { description: 'closure: first day (YYYY-MM-DD), or none' }),
  valid_to: Type.Union([Type.String(), Type.Null()], { description: 'closure: last day (YYYY-MM-DD), or none' }),
  opening_hours: Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description: 'gate: OSM opening_hours; outside them it cannot be passed' }),
  step_free: Type.Boolean({ description: 'gate: passable without steps' }),
  crossing: Type.Union([Type.Literal('signalised'), Type.Literal('zebra'), Type.Literal('none')]),
  wait_s: Type.Union([Type.Integer({ minimum: 0, maximum: 600 }), Type.Null()], { description: 'crossing: mean wait at the signal, seconds' }),
  note: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
};

export const CorrectionCreateBody = Type.Object({
  street_code: Type.Optional(fields.street_code), kind: fields.kind, geometry: fields.geometry,
  level: Type.Optional(fields.level), steps: Type.Optional(fields.steps), step_free_only: Type.Optional(fields.step_free_only),
  valid_from: Type.Optional(fields.valid_from), valid_to: Type.Optional(fields.valid_to), opening_hours: Type.Optional(fields.opening_hours),
  step_free: Type.Optional(fields.step_free), crossing: Type.Optional(fields.crossing), wait_s: Type.Optional(fields.wait_s), note: Type.Optional(fields.note),
}, { additionalProperties: false });

export const CorrectionPatchBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  geometry: Type.Optional(fields.geometry),
  level: Type.Optional(fields.level), steps: Type.Optional(fields.steps), step_free_only: Type.Optional(fields.step_free_only),
  valid_from: Type.Optional(fields.valid_from), valid_to: Type.Optional(fields.valid_to), opening_hours: Type.Optional(fields.opening_hours),
  step_free: Type.Optional(fields.step_free), crossing: Type.Optional(fields.crossing), wait_s: Type.Optional(fields.wait_s), note: Type.Optional(fields.note),
}, { additionalProperties: false });

export const CorrectionRecord = Type.Object({
  id: Type.Integer(), street_code: Type.String(), kind: fields.kind,
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')]),
  geometry: CorrectionGeometry, attributes: Type.Record(Type.String(), Type.Unknown()), note: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(), created_at: Type.String(), updated_at: Type.String(),
  needs_review: Type.Optional(Type.Boolean({ description: 'a network import found that the new base no longer fits it (review_reason says why)' })),
  review_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  review_reason_zh: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export const CorrectionList = Type.Object({ corrections: Type.Array(CorrectionRecord) });
export const CorrectionIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const CorrectionListQuery = Type.Object({
  street: Type.Optional(fields.street_code),
  status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')])),
}, { additionalProperties: false });
export const CorrectionVersionBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const CorrectionRestoreBody = Type.Object({
  audit_id: Type.Integer({ minimum: 1, maximum: 2147483647 }), version: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const PreviewBody = Type.Object({
  origin: Type.Optional(Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: 'a place [lon, lat] for rings and nearest points before and after' })),
  profile: Type.Optional(Type.String({ maxLength: 40 })),
  minutes: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 60 }), { minItems: 1, maxItems: 6 })),
}, { additionalProperties: false });

const Walk = Type.Union([Type.Object({ walk_s: Type.Number(), walk_min: Type.Number(), point_id: Type.Integer(), point_name: Type.String() }), Type.Null()]);
export const PreviewResponse = Type.Object({
  action: Type.Union([Type.Literal('publish'), Type.Literal('retire')]),
  /** Board sites within 1 km whose walk to the nearest point of a category changes, per profile. */
  sites: Type.Array(Type.Object({
    site_id: Type.Integer(), site_name: Type.String(), profile: Type.String(), category_id: Type.String(), before: Walk, after: Walk,
  })),
  origin: Type.Optional(Type.Object({
    lon: Type.Number(), lat: Type.Number(), profile: Type.String(),
    before: Type.Object({ reachable: Type.Boolean(), rings: Type.Unknown(), nearest: Type.Record(Type.String(), Walk) }),
    after: Type.Object({ reachable: Type.Boolean(), rings: Type.Unknown(), nearest: Type.Record(Type.String(), Walk) }),
  })),
});
