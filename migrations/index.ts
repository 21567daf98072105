// The ordered list of migrations. Add a new file as NNNN_name.ts and list it here; the name is
// what Kysely records in its migration table, so never rename one that has shipped.
import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';

export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
};
