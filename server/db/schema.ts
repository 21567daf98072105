// Kysely's view of the tables. It follows the migrations in migrations/, not the other way round.
// Geometry columns are typed `unknown`: they are read through ST_X/ST_Y/ST_AsGeoJSON and written
// through ST_SetSRID(ST_MakePoint(...)) in the repositories.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
export type RecordStatus = 'active' | 'closed';

export interface AppSettingsTable { key: string; value: Json; updated_at: Timestamp }
export interface StreetsTable { code: string; name: string; district_code: string; district_name: string }
export interface CommunitiesTable { code: string; street_code: string; name: string; approx_geom: unknown | null }
export interface DimensionsTable { id: string; name_zh: string; name_en: string }
export interface CategoriesTable {
  id: string; name_zh: string; name_en: string; color: string; icon: string; dimension_id: string; sort_order: number;
}
export interface WaysTable {
  id: Generated<number>;
  source_ref: string | null;
  highway: string;
  name: string | null;
  ref: string | null;
  layer: number;
  bridge: boolean;
  tunnel: boolean;
  walkable: boolean;
  length_m: number;
  geom: unknown;
  /** OSM tags kept from an imported extract (migrations/0015); null when the source had none. */
  foot: Generated<string | null>;
  access: Generated<string | null>;
  wheelchair: Generated<string | null>;
  incline: Generated<string | null>;
  crossing: Generated<string | null>;
}
/** Tagged OSM nodes of the base network: barriers (gates, bollards) and crossings (migrations/0015). */
export interface NetworkNodesTable {
  id: Generated<number>;
  source_ref: string | null;
  barrier: string | null;
  crossing: string | null;
  opening_hours: string | null;
  wheelchair: string | null;
  access: string | null;
  geom: unknown;
}
/** One kept report per network import (migrations/0015). */
export interface NetworkImportsTable {
  id: Generated<number>;
  at: Generated<Date>;
  source_name: string;
  format: string;
  report: Json;
}
interface Versioned {
  is_sample: Generated<boolean>;
  status: Generated<RecordStatus>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface CompoundsTable extends Versioned {
  id: Generated<number>;
  street_code: string;
  community_code: string | null;
  name: string;
  address: string | null;
  households: number | null;
  residents: number | null;
  geom: unknown | null;
}
export interface CompoundGatesTable extends Versioned {
  id: Generated<number>;
  compound_id: number;
  name: string;
  step_free: Generated<boolean>;
  geom: unknown;
}
export interface BoardSitesTable extends Versioned {
  id: Generated<number>;
  kind: 'service_center' | 'compound_gate';
  name: string;
  street_code: string;
  community_code: string | null;
  compound_id: number | null;
  gate_id: number | null;
  geom: unknown;
}
export interface ServicePointsTable extends Versioned {
  id: Generated<number>;
  external_id: string | null;
  name: string;
  category_id: string;
  dimension_id: string;
  subtype: string | null;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  street_code: string | null;
  community_code: string | null;
  geom: unknown;
  source: Generated<string>;
}
export interface StaffUsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: 'admin' | 'editor' | 'viewer';
  street_code: string | null;
  display_name: string | null;
  phone: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  /** unused since 0006, like locked_until: accounts are no longer locked (see server/auth/throttle.ts) */
  failed_logins: Generated<number>;
  locked_until: Date | null;
  last_login_at: Date | null;
}
export interface StaffSessionsTable {
  id_hash: string;
  staff_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date | string;
  ip: string | null;
  user_agent: string | null;
  /** what the owner is told for this session: refused attempts before this sign-in (0006) */
  failed_logins_before: Generated<number>;
  last_failed_login_at: Date | null;
  previous_login_at: Date | null;
}
export interface SigninThrottleTable {
  username_key: string;
  address: string;
  failures: Generated<number>;
  first_failure_at: Generated<Date>;
  last_failure_at: Generated<Date>;
  blocked_until: Date | null;
}
/** Sign-in attempts per client address in the current window (migration 0016), shared by all instances. */
export interface RateLimitWindowsTable { key: string; window_start: Generated<Date>; hits: Generated<number> }
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  user_id: number | null;
  username: string | null;
  action: string;
  entity: string;
  entity_id: string;
  street_code: string | null;
  before: Json | null;
  after: Json | null;
}
export interface CoverageTargetOverridesTable {
  street_code: string;
  category_id: string;
  profile_id: string;
  minutes: number;
  updated_by: number | null;
  updated_at: Timestamp;
}
export interface CoverageIncompleteCategoriesTable {
  street_code: string;
  category_id: string;
  note: string | null;
  marked_by: number | null;
  marked_at: Timestamp;
}
export interface DivisionAreasTable {
  code: string;
  level: 'street' | 'community';
  street_code: string;
  source: 'approximate' | 'official';
  geom: unknown;
  imported_at: Timestamp;
  imported_by: number | null;
  source_note: string | null;
}

export interface CoverageScenariosTable {
  id: Generated<number>;
  street_code: string;
  name: string;
  note: string | null;
  profile_id: Generated<string>;
  /** ScenarioPoint[] (server/coverage/scenarios.ts) */
  points: Json;
  status: Generated<'active' | 'deleted'>;
  version: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  app_settings: AppSettingsTable;
  streets: StreetsTable;
  communities: CommunitiesTable;
  division_areas: DivisionAreasTable;
  dimensions: DimensionsTable;
  categories: CategoriesTable;
  ways: WaysTable;
  compounds: CompoundsTable;
  compound_gates: CompoundGatesTable;
  board_sites: BoardSitesTable;
  service_points: ServicePointsTable;
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  audit_log: AuditLogTable;
  signin_throttle: SigninThrottleTable;
  rate_limit_windows: RateLimitWindowsTable;
  coverage_target_overrides: CoverageTargetOverridesTable;
  coverage_incomplete_categories: CoverageIncompleteCategoriesTable;
  coverage_scenarios: CoverageScenariosTable;
  desk_services: DeskServicesTable;
  desk_request_topics: DeskRequestTopicsTable;
  desk_plans: DeskPlansTable;
  desk_visits: DeskVisitsTable;
  desk_requests: DeskRequestsTable;
  desk_request_notes: DeskRequestNotesTable;
  board_prints: BoardPrintsTable;
  board_jobs: BoardJobsTable;
  board_job_files: BoardJobFilesTable;
  board_postings: BoardPostingsTable;
  resident_reports: ResidentReportsTable;
  report_limits: ReportLimitsTable;
  report_form_keys: ReportFormKeysTable;
  checkup_snapshots: CheckupSnapshotsTable;
  network_corrections: NetworkCorrectionsTable;
  network_nodes: NetworkNodesTable;
  network_imports: NetworkImportsTable;
  job_runs: JobRunsTable;
}

/** Durable jobs (migrations/0017_job_runs.ts, server/jobs/). */
export interface JobRunsTable {
  id: string;
  kind: string;
  street_code: string | null;
  created_by: number | null;
  state: Generated<'queued' | 'running' | 'done' | 'failed'>;
  phase: Generated<string>;
  done: Generated<number>;
  total: Generated<number>;
  params: Json;
  input: Uint8Array | null;
  report: Json | null;
  result: Uint8Array | null;
  result_name: string | null;
  error: Json | null;
  attempts: Generated<number>;
  /** host:pid of the instance that took the job last. */
  taken_by: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

// Mobile service desks (migrations/0005_desks.ts). Dates are local (the district time zone) `date` columns,
// read through to_char; visit times are instants (timestamptz).
export interface DeskServicesTable {
  id: string; name_zh: string; name_en: string; fills_category: string | null; sort_order: Generated<number>; active: Generated<boolean>;
}
export interface DeskRequestTopicsTable {
  id: string; name_zh: string; name_en: string; sort_order: Generated<number>; active: Generated<boolean>;
}
export type DeskPlaceKind = 'site' | 'gate' | 'point';
interface DeskPlaceColumns {
  place_kind: DeskPlaceKind;
  site_id: number | null;
  gate_id: number | null;
  compound_id: number | null;
  place_name: string;
  geom: unknown;
  services: Json;
  partners: Json;
  contact_phone: string | null;
  note: string | null;
}
export interface DeskPlansTable extends DeskPlaceColumns {
  id: Generated<number>;
  street_code: string;
  title: string;
  rrule: string;
  start_date: ColumnType<unknown, string, string>;
  until_date: ColumnType<unknown, string | null, string | null>;
  start_time: string;
  end_time: string;
  materialized_until: ColumnType<unknown, string | null, string | null>;
  is_sample: Generated<boolean>;
  status: Generated<RecordStatus>;
  version: Generated<number>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface DeskVisitsTable extends DeskPlaceColumns {
  id: Generated<number>;
  street_code: string;
  origin: 'manual' | 'plan' | 'rotation';
  plan_id: number | null;
  occurrence_date: ColumnType<unknown, string | null, string | null>;
  status: Generated<'scheduled' | 'cancelled'>;
  cancel_reason: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  detached: Generated<boolean>;
  is_sample: Generated<boolean>;
  version: Generated<number>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type DeskRequestStatus = 'closed' | 'registered' | 'assigned' | 'in_progress';
export interface DeskRequestsTable {
  id: Generated<number>;
  visit_id: number;
  street_code: string;
  topic_id: string;
  description: string;
  compound_id: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  resolved_on_site: boolean;
  status: DeskRequestStatus;
  assignee: string | null;
  resolution_note: string | null;
  received_at: Timestamp;
  assigned_at: Date | string | null;
  started_at: Date | string | null;
  closed_at: Date | string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface DeskRequestNotesTable {
  id: Generated<number>;
  request_id: number;
  at: Timestamp;
  staff_id: number | null;
  username: string | null;
  status_from: string | null;
  status_to: string | null;
  note: string;
}

// Board printing (migrations/0003_boards.ts).
export interface BoardPrintsTable {
  id: Generated<number>;
  site_id: number;
  street_code: string;
  profile: string;
  size: string;
  orientation: string;
  lang: string;
  content_version: string;
  snapshot: Json;
  job_id: number | null;
  printed_by: number | null;
  printed_by_name: string | null;
  printed_at: Timestamp;
}
export interface BoardJobsTable {
  id: Generated<number>;
  street_code: string | null;
  site_ids: Json;
  options: Json;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  total: number;
  done: Generated<number>;
  error: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  result_name: string | null;
  result_type: string | null;
  result_bytes: number | null;
}
export interface BoardJobFilesTable {
  job_id: number;
  data: Uint8Array;
}
// Posted-confirmation (migrations/0010_board_posting.ts). posted_on is a date: read it as text.
export interface BoardPostingsTable {
  id: Generated<number>;
  site_id: number;
  profile: string;
  street_code: string;
  print_id: number;
  content_version: string;
  posted_on: string;
  posted_by_name: string;
  confirmed_by: number | null;
  confirmed_by_name: string | null;
  confirmed_at: Timestamp;
  version: Generated<number>;
}

// Residents' reports (migrations/0011_reports.ts). contact_phone is for staff who may see contacts only.
export type ReportKind = 'info_wrong' | 'blocked' | 'path_missing' | 'service_missing' | 'other';
export type ReportStatus = 'new' | 'accepted' | 'in_progress' | 'resolved' | 'rejected';
export interface ResidentReportsTable {
  id: Generated<number>;
  code: string;
  kind: ReportKind;
  category_id: string | null;
  site_id: number | null;
  point_id: number | null;
  source: 'site' | 'map' | 'point';
  geom: unknown;
  street_code: string;
  community_code: string | null;
  body: string | null;
  contact_phone: string | null;
  device_key: string;
  address_key: string;
  repeats: Generated<number>;
  status: Generated<ReportStatus>;
  public_reply: string | null;
  linked: Json | null;
  received_at: Timestamp;
  accepted_at: Date | string | null;
  closed_at: Date | string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}
export interface ReportLimitsTable { scope: 'address' | 'device'; key: string; window_start: Date | string; attempts: Generated<number> }
export interface ReportFormKeysTable { id: number; secret: string; created_at: Timestamp }
/** Coverage snapshots of the street check-up (migration 0014_checkup). */
export interface CheckupSnapshotsTable {
  id: Generated<number>;
  taken_at: Generated<Date>;
  kind: 'monthly' | 'on_demand';
  period: string;
  data_version: string;
  data_date: Date | string | null;
  targets: Json;
  shares: Json;
  points: Json;
  gaps: Json;
  taken_by: number | null;
  taken_by_name: string | null;
}
export interface NetworkCorrectionsTable {
  id: Generated<number>;
  street_code: string;
  kind: 'path' | 'closure' | 'gate' | 'crossing';
  status: Generated<'draft' | 'published' | 'retired'>;
  geom: unknown;
  attributes: Json;
  note: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  needs_review: Generated<boolean>;
  review_reason: Generated<string | null>;
  review_reason_zh: Generated<string | null>;
}
