// The ordered list of migrations. Add a new file as NNNN_name.ts and list it here; the name is
// what Kysely records in its migration table, so never rename one that has shipped.
import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_auth.ts';
import * as m0003 from './0003_boards.ts';
import * as m0004 from './0004_coverage.ts';
import * as m0005 from './0005_desks.ts';
import * as m0006 from './0006_signin_throttle.ts';
import * as m0007 from './0007_street_areas.ts';
import * as m0009 from './0009_scenarios.ts';
import * as m0010 from './0010_board_posting.ts';
import * as m0011 from './0011_reports.ts';
import * as m0012 from './0012_network_corrections.ts';
import * as m0014 from './0014_checkup.ts';
import * as m0015 from './0015_network_import.ts';
import * as m0016 from './0016_signin_address_limits.ts';
import * as m0017 from './0017_job_runs.ts';
import * as m0018 from './0018_rate_limit_windows.ts';
import * as m0019 from './0019_drop_signin_address_limits.ts';

export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_auth': m0002,
  '0003_boards': m0003,
  '0004_coverage': m0004,
  '0005_desks': m0005,
  '0006_signin_throttle': m0006,
  '0007_street_areas': m0007,
  '0009_scenarios': m0009,
  '0010_board_posting': m0010,
  '0011_reports': m0011,
  '0012_network_corrections': m0012,
  '0014_checkup': m0014,
  '0015_network_import': m0015,
  '0016_signin_address_limits': m0016,
  '0017_job_runs': m0017,
  '0018_rate_limit_windows': m0018,
  '0019_drop_signin_address_limits': m0019,
};
