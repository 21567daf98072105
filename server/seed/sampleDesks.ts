// The sample set's mobile service desks (流动办公桌): recurring plans at board sites of 桃园街道. The sample
// file holds rules, not dates, so each plan starts in the month the database is seeded and a fresh
// database always has visits ahead. Plans and visits go through the same code as staff plans (server/desks/).
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FieldIssue } from '../records/validation.ts';
import { loadServices, listVisits } from '../desks/repository.ts';
import { parseRule } from '../desks/recurrence.ts';
import { checkServices, resolvePlace } from '../desks/validation.ts';
import { insertPlan, materializePlan, setVisitStatus } from '../desks/writes.ts';
import { localToday } from '../localTime.ts';

export interface SampleDeskPlan {
  key: string;
  title: string;
  /** A service center's key, or a compound's key for its main-gate board site. */
  site: string;
  rule: string;
  start_time: string;
  end_time: string;
  services: string[];
  partners: string[];
  contact_phone: string | null;
  note: string | null;
  /** Calls off the n-th upcoming visit (1 = the next one), so that a cancelled visit is there to be seen. */
  cancel?: { occurrence: number; reason: string };
}

/** Board sites only: the district outline that checks a point on the map is never consulted. */
const NO_OUTLINE = { polygons: [], bbox: [0, 0, 0, 0] as [number, number, number, number] };

export async function loadSampleDesks(
  trx: Transaction<Database>, plans: readonly SampleDeskPlan[], siteIds: ReadonlyMap<string, number>, now: Date,
): Promise<void> {
  const known = await loadServices(trx);
  for (const p of plans) {
    const siteId = siteIds.get(p.site);
    const issues: FieldIssue[] = [];
    const place = siteId ? await resolvePlace(trx, { kind: 'site', site_id: siteId }, null, NO_OUTLINE, issues) : null;
    const services = checkServices(p.services, known, issues);
    if (!place || issues.length) {
      throw new Error(`sample desk plan ${p.key}: ${siteId ? issues.map((i) => i.message).join('; ') : `unknown site ${p.site}`}`);
    }
    const plan = await insertPlan(trx, {
      street_code: place.street_code, title: p.title, rule: parseRule(p.rule).text,
      start_date: `${localToday(now).slice(0, 7)}-01`, until_date: null, start_time: p.start_time, end_time: p.end_time,
      place, services, partners: p.partners, contact_phone: p.contact_phone, note: p.note,
    }, null, true);
    await materializePlan(trx, plan, now);
    if (p.cancel) {
      const upcoming = await listVisits(trx, { planId: plan.id, from: now, status: 'scheduled', limit: p.cancel.occurrence });
      const target = upcoming[p.cancel.occurrence - 1];
      if (target) await setVisitStatus(trx, target.id, 'cancelled', p.cancel.reason);
    }
  }
}
