// Per-address and per-device limits on residents' reports, counted in the database (one upsert per
// attempt, fixed hourly and daily windows) so that every instance applies the same limits. An address
// is counted as the sign-in throttle counts it (IPv4 as is, IPv6 by its /64).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ReportLimit { scope: 'address' | 'device'; windowSeconds: number; max: number }

/** A community centre's shared Wi-Fi sends many residents from one address: its limit is the wider one. */
export const REPORT_LIMITS: ReportLimit[] = [
  { scope: 'device', windowSeconds: 3600, max: 10 },
  { scope: 'device', windowSeconds: 86_400, max: 30 },
  { scope: 'address', windowSeconds: 3600, max: 60 },
  { scope: 'address', windowSeconds: 86_400, max: 200 },
];

/**
 * Counts one attempt against every limit; returns the seconds to wait if any limit is now exceeded
 * (0: go ahead). Counting happens before the report is stored, so refused attempts still count.
 */
export async function countReportAttempt(db: Kysely<Database>, keys: { address: string; device: string }, limits = REPORT_LIMITS): Promise<number> {
  let wait = 0;
  for (const limit of limits) {
    const w = limit.windowSeconds;
    const row = await db.insertInto('report_limits')
      .values({
        scope: limit.scope, key: `${w}:${keys[limit.scope]}`, attempts: 1,
        window_start: sql<Date>`to_timestamp(floor(extract(epoch from now()) / ${w}) * ${w})`,
      })
      .onConflict((oc) => oc.columns(['scope', 'key', 'window_start']).doUpdateSet({ attempts: sql<number>`report_limits.attempts + 1` }))
      .returning([sql<number>`attempts`.as('attempts'), sql<number>`ceil(extract(epoch from (window_start + make_interval(secs => ${w}) - now())))::int`.as('left')])
      .executeTakeFirstOrThrow();
    if (Number(row.attempts) > limit.max) wait = Math.max(wait, Math.max(1, Number(row.left)));
  }
  // Old windows are forgotten here rather than by a timer.
  await db.deleteFrom('report_limits').where('window_start', '<', sql<Date>`now() - interval '2 days'`).execute();
  return wait;
}
