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
}
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

export interface Database {
  app_settings: AppSettingsTable;
  streets: StreetsTable;
  communities: CommunitiesTable;
  dimensions: DimensionsTable;
  categories: CategoriesTable;
  ways: WaysTable;
  compounds: CompoundsTable;
  compound_gates: CompoundGatesTable;
  board_sites: BoardSitesTable;
  service_points: ServicePointsTable;
  staff_users: StaffUsersTable;
  audit_log: AuditLogTable;
}
