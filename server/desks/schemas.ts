// TypeBox schemas of the desk routes: the same schema validates, documents (/docs) and types.
// Public shapes have no contact fields at all, so the serializer could not send one even by mistake.
import { Type, type Static } from 'typebox';
import { IdParams, ProfileId, StreetCode } from '../records/schemas.ts';

export { IdParams, StreetCode };
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date (the district time zone), YYYY-MM-DD' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'local clock time (the district time zone), HH:MM' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });

export const StreetIcsParams = Type.Object({ code: StreetCode });
export const SiteIcsParams = Type.Object({ id: Id });

// ---- vocabularies ------------------------------------------------------------------------------

export const Term = Type.Object({ id: Type.String(), name_zh: Type.String(), name_en: Type.String() });
export const ServiceTerm = Type.Object({
  id: Type.String(), name_zh: Type.String(), name_en: Type.String(),
  fills_category: Nullable(Type.String({ description: 'a service category this desk service stands in for where it is missing' })),
  active: Type.Boolean(),
});
export const TopicTerm = Type.Object({ id: Type.String(), name_zh: Type.String(), name_en: Type.String(), active: Type.Boolean() });
export const TermBody = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'stable key, lower case' }),
  name_zh: Type.String({ minLength: 1, maxLength: 30 }),
  name_en: Type.String({ minLength: 1, maxLength: 60 }),
  fills_category: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type TermBody = Static<typeof TermBody>;

// ---- visits ------------------------------------------------------------------------------------

export const PlaceInput = Type.Object({
  kind: Type.Union([Type.Literal('site'), Type.Literal('gate'), Type.Literal('point')], { description: 'a board site, a compound gate, or a point on the map' }),
  site_id: Type.Optional(Id),
  gate_id: Type.Optional(Id),
  lon: Type.Optional(Type.Number()),
  lat: Type.Optional(Type.Number()),
  crs: Type.Optional(Type.String({ maxLength: 10, description: 'WGS84 (default), GCJ-02 (Amap, Tencent) or BD-09 (Baidu)' })),
  name: Type.Optional(Type.String({ maxLength: 100, description: 'required for a point: what residents look for, e.g. 桃园村大街与绍兴道路口' })),
  compound_id: Type.Optional(Nullable(Id)),
}, { additionalProperties: false });
export type PlaceInput = Static<typeof PlaceInput>;

const visitFields = {
  street_code: Type.Optional(StreetCode),
  date: LocalDate,
  start_time: ClockTime,
  end_time: ClockTime,
  place: PlaceInput,
  services: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 12, description: 'desk service ids (GET /api/desks/services)' }),
  partners: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 10, description: 'partner organisations, e.g. 桃园派出所' })),
  contact_phone: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'public contact for residents (shown on the phone view and in calendars)' }))),
  note: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'public note, e.g. 请携带身份证' }))),
};
export const VisitCreateBody = Type.Object(visitFields, { additionalProperties: false });
export type VisitCreateBody = Static<typeof VisitCreateBody>;
export const VisitPatchBody = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'the version the edit was based on; a newer stored version gets 409' }),
  ...Type.Partial(VisitCreateBody).properties,
}, { additionalProperties: false });
export type VisitPatchBody = Static<typeof VisitPatchBody>;
export const CancelBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  reason: Type.String({ minLength: 1, maxLength: 200, description: 'shown to residents, e.g. 因雨改期' }),
}, { additionalProperties: false });
export const VersionBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

const Place = Type.Object({
  kind: Type.Union([Type.Literal('site'), Type.Literal('gate'), Type.Literal('point')]),
  name: Type.String(),
  site_id: Nullable(Type.Integer()),
  gate_id: Nullable(Type.Integer()),
  compound_id: Nullable(Type.Integer()),
  compound_name: Nullable(Type.String()),
  lon: Type.Number(),
  lat: Type.Number(),
});

const visitProperties = {
  id: Type.Integer(),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
  cancel_reason: Nullable(Type.String()),
  origin: Type.Union([Type.Literal('manual'), Type.Literal('plan'), Type.Literal('rotation')]),
  plan_id: Nullable(Type.Integer()),
  recurrence: Nullable(Type.Object({ rule: Type.String(), zh: Type.String(), en: Type.String() })),
  date: Type.String({ description: 'local date (the district time zone)' }),
  weekday: Type.Integer({ description: 'ISO weekday, 1 = Monday' }),
  weekday_zh: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
  starts_at: Type.String({ description: 'ISO 8601 instant' }),
  ends_at: Type.String(),
  street_code: Type.String(),
  street_name: Type.String(),
  place: Place,
  services: Type.Array(Term),
  partners: Type.Array(Type.String()),
  contact_phone: Nullable(Type.String()),
  note: Nullable(Type.String()),
  is_sample: Type.Boolean(),
  sample_label: Type.Optional(Type.String()),
};
export const PublicVisit = Type.Object(visitProperties);
export type PublicVisit = Static<typeof PublicVisit>;

export const VisitReport = Type.Object({
  received: Type.Integer({ description: 'requests recorded at this visit' }),
  resolved_on_site: Type.Integer({ description: '即办: resolved at the table' }),
  closed_later: Type.Integer({ description: 'registered for follow-up and closed since' }),
  open: Type.Integer({ description: 'registered for follow-up and not yet closed' }),
  summary_zh: Type.String(),
  summary_en: Type.String(),
});
export const PublicVisitDetail = Type.Object({ ...visitProperties, report: VisitReport });

export const StaffVisit = Type.Object({
  ...visitProperties,
  version: Type.Integer(),
  detached: Type.Boolean({ description: 'an occurrence of a plan edited by hand: later plan edits leave it alone' }),
  created_at: Type.String(),
  updated_at: Type.String(),
  report: VisitReport,
});
export type StaffVisit = Static<typeof StaffVisit>;

export const UpcomingVisit = Type.Object({
  ...visitProperties,
  at_site: Type.Boolean({ description: 'held at this very site (or at its compound gate); always false for a place (lon/lat)' }),
  walk_min: Nullable(Type.Number({ description: 'walking minutes from the site or place to the desk (profile of the request)' })),
  walk_m: Nullable(Type.Integer()),
});

export const UpcomingQuery = Type.Object({
  site: Type.Optional(Id),
  street: Type.Optional(StreetCode),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'a place instead of a site (with lat): longitude, WGS84' })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'latitude, WGS84' })),
  profile: Type.Optional(ProfileId),
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 15, description: 'walking minutes around the site or place (default 15)' })),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 60, description: 'look this many days ahead' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
}, { additionalProperties: false });
export type UpcomingQuery = Static<typeof UpcomingQuery>;

export const UpcomingResponse = Type.Object({
  site: Nullable(Type.Object({ id: Type.Integer(), name: Type.String(), street_code: Type.String() })),
  street_code: Nullable(Type.String({ description: 'the site\'s or the asked street; null for a place (lon/lat)' })),
  profile: Type.String(),
  within_minutes: Type.Integer(),
  visits: Type.Array(UpcomingVisit),
  next: Nullable(UpcomingVisit),
  ical_url: Nullable(Type.String({ description: 'the site\'s or the street\'s calendar; null for a place: each visit\'s street has one (/api/desks/street/:code.ics)' })),
  generated_at: Type.String(),
});

export const VisitListQuery = Type.Object({
  street: StreetCode,
  from: Type.Optional(LocalDate),
  to: Type.Optional(LocalDate),
  status: Type.Optional(Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled'), Type.Literal('all')], { default: 'all' })),
  plan: Type.Optional(Id),
}, { additionalProperties: false });
export type VisitListQuery = Static<typeof VisitListQuery>;

// ---- plans -------------------------------------------------------------------------------------

const planFields = {
  street_code: Type.Optional(StreetCode),
  title: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. 照耀里社区流动办公桌' }),
  rule: Type.String({ minLength: 6, maxLength: 300, description: 'RFC 5545 RRULE value, e.g. FREQ=MONTHLY;BYDAY=2WE,4WE' }),
  start_date: LocalDate,
  until_date: Type.Optional(Nullable(LocalDate)),
  start_time: ClockTime,
  end_time: ClockTime,
  place: PlaceInput,
  services: visitFields.services,
  partners: visitFields.partners,
  contact_phone: visitFields.contact_phone,
  note: visitFields.note,
};
export const PlanCreateBody = Type.Object(planFields, { additionalProperties: false });
export type PlanCreateBody = Static<typeof PlanCreateBody>;
export const PlanPatchBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  ...Type.Partial(PlanCreateBody).properties,
}, { additionalProperties: false });
export type PlanPatchBody = Static<typeof PlanPatchBody>;
export const PlanPreviewBody = Type.Object({
  rule: planFields.rule,
  start_date: LocalDate,
  until_date: Type.Optional(Nullable(LocalDate)),
  start_time: ClockTime,
  end_time: ClockTime,
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 3 })),
}, { additionalProperties: false });
export type PlanPreviewBody = Static<typeof PlanPreviewBody>;
export const PlanPreviewResponse = Type.Object({
  rule: Type.String(), zh: Type.String(), en: Type.String(),
  dates: Type.Array(Type.Object({ date: Type.String(), weekday_zh: Type.String(), starts_at: Type.String(), ends_at: Type.String() })),
});

export const Plan = Type.Object({
  id: Type.Integer(),
  street_code: Type.String(),
  title: Type.String(),
  rule: Type.String(),
  rule_zh: Type.String(),
  rule_en: Type.String(),
  start_date: Type.String(),
  until_date: Nullable(Type.String()),
  start_time: Type.String(),
  end_time: Type.String(),
  place: Place,
  services: Type.Array(Term),
  partners: Type.Array(Type.String()),
  contact_phone: Nullable(Type.String()),
  note: Nullable(Type.String()),
  materialized_until: Nullable(Type.String({ description: 'occurrences are stored as visits up to this local date' })),
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  is_sample: Type.Boolean(),
  version: Type.Integer(),
  updated_at: Type.String(),
  next_dates: Type.Array(Type.Object({ visit_id: Type.Integer(), date: Type.String(), status: Type.String() })),
});
export type Plan = Static<typeof Plan>;
export const PlanCancelBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

// ---- rotation planner --------------------------------------------------------------------------

export const RotationQuery = Type.Object({
  street: StreetCode,
  month: Type.Optional(Month),
  visits: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 3, description: 'new visits to propose' })),
  community: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', description: 'only the compounds of one community' })),
  weekdays: Type.Optional(Type.String({ pattern: '^[1-7](,[1-7])*$', default: '1,2,3,4,5', description: 'ISO weekdays to use, 1 = Monday' })),
  start_time: Type.Optional(ClockTime),
  end_time: Type.Optional(ClockTime),
  services: Type.Optional(Type.String({ maxLength: 400, description: 'service ids every visit offers, comma separated' })),
  profile: Type.Optional(ProfileId),
}, { additionalProperties: false });
export type RotationQuery = Static<typeof RotationQuery>;

const CompoundRank = Type.Object({
  compound_id: Type.Integer(),
  compound_name: Type.String(),
  community_code: Nullable(Type.String()),
  gap_count: Type.Integer({ description: 'categories not reached within their target minutes' }),
  gap_categories: Type.Array(Type.String()),
  last_visit_date: Nullable(Type.String()),
  days_since_last_visit: Nullable(Type.Integer()),
  due: Type.Boolean({ description: 'not visited within the current rotation cycle' }),
  residents: Nullable(Type.Integer()),
  rank: Type.Integer(),
});

export const ProposedVisit = Type.Object({
  street_code: Type.String(),
  date: Type.String(),
  weekday_zh: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
  place: PlaceInput,
  place_name: Type.String(),
  compound_id: Type.Integer(),
  compound_name: Type.String(),
  services: Type.Array(Type.String()),
  reason: CompoundRank,
});

export const RotationProposal = Type.Object({
  street_code: Type.String(),
  month: Type.String(),
  profile: Type.String(),
  cycle_months: Type.Integer({ description: 'months needed to visit every compound once at this pace' }),
  visits: Type.Array(ProposedVisit),
  ranking: Type.Array(CompoundRank),
  skipped: Type.Array(Type.Object({ compound_id: Type.Integer(), compound_name: Type.String(), reason: Type.String() })),
  gap_source: Type.String({ description: 'where the gap counts come from' }),
});
export type RotationProposal = Static<typeof RotationProposal>;

export const RotationPublishBody = Type.Object({
  street_code: StreetCode,
  visits: Type.Array(VisitCreateBody, { minItems: 1, maxItems: 62 }),
}, { additionalProperties: false });
export type RotationPublishBody = Static<typeof RotationPublishBody>;

// ---- requests (民情日记) -------------------------------------------------------------------------

export const RequestCreateBody = Type.Object({
  topic: Type.String({ maxLength: 40, description: 'request topic id (GET /api/desks/topics)' }),
  description: Type.String({ minLength: 1, maxLength: 2000 }),
  compound_id: Type.Optional(Nullable(Id)),
  contact_name: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'private: staff of the street only' }))),
  contact_phone: Type.Optional(Nullable(Type.String({ maxLength: 30, description: 'private: staff of the street only' }))),
  outcome: Type.Union([Type.Literal('on_site'), Type.Literal('follow_up')], { description: 'on_site = 即办 (resolved at the table); follow_up = registered' }),
  resolution_note: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'required when resolved on site' }))),
  assignee: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'department or person following up; sets the request to assigned' }))),
}, { additionalProperties: false });
export type RequestCreateBody = Static<typeof RequestCreateBody>;

export const RequestStatusBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal('assigned'), Type.Literal('in_progress'), Type.Literal('closed')]),
  assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  resolution_note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'required to close' })),
}, { additionalProperties: false });
export const RequestNoteBody = Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const RequestNote = Type.Object({
  id: Type.Integer(), at: Type.String(), username: Nullable(Type.String()),
  status_from: Nullable(Type.String()), status_to: Nullable(Type.String()), note: Type.String(),
});

export const DeskRequest = Type.Object({
  id: Type.Integer(),
  visit_id: Type.Integer(),
  visit_date: Type.String(),
  street_code: Type.String(),
  topic: Term,
  description: Type.String(),
  compound_id: Nullable(Type.Integer()),
  compound_name: Nullable(Type.String()),
  contact_name: Type.Optional(Nullable(Type.String())),
  contact_phone: Type.Optional(Nullable(Type.String())),
  contact_hidden: Type.Boolean({ description: 'true when a contact exists but your role may not see it' }),
  resolved_on_site: Type.Boolean(),
  status: Type.Union([Type.Literal('closed'), Type.Literal('registered'), Type.Literal('assigned'), Type.Literal('in_progress')]),
  status_zh: Type.String(),
  assignee: Nullable(Type.String()),
  resolution_note: Nullable(Type.String()),
  received_at: Type.String(),
  assigned_at: Nullable(Type.String()),
  started_at: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
  age_days: Type.Integer({ description: 'days since received (to closing, for closed requests)' }),
  version: Type.Integer(),
  notes: Type.Optional(Type.Array(RequestNote)),
});
export type DeskRequest = Static<typeof DeskRequest>;

export const RequestListQuery = Type.Object({
  street: StreetCode,
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'open' })),
  visit: Type.Optional(Id),
}, { additionalProperties: false });
export type RequestListQuery = Static<typeof RequestListQuery>;
export const RequestExportQuery = Type.Object({
  street: StreetCode,
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'all' })),
  visit: Type.Optional(Id),
}, { additionalProperties: false });

export const StreetReportQuery = Type.Object({ street: StreetCode, month: Type.Optional(Month) }, { additionalProperties: false });
