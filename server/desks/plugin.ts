// Mobile service desks (流动办公桌) in the app: public schedule and calendar routes, staff routes for
// visits, plans, the rotation planner and 民情日记, and the daily top-up that stores the occurrences of
// open-ended plans as the horizon moves on. Needs auth, app.walking, app.coverage and the district outline.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { addDays, localToday } from '../localTime.ts';
import { getPlan, listPlans } from './repository.ts';
import { materializePlan, PLAN_HORIZON_DAYS } from './writes.ts';
import { deskPublicRoutes } from './publicRoutes.ts';
import { deskStaffRoutes } from './staffRoutes.ts';
import { deskRequestRoutes } from './requestRoutes.ts';

const TOP_UP_EVERY_MS = 6 * 3600_000;

/** Stores the occurrences of active plans that the moving horizon has reached. Returns visits created. */
export async function topUpPlans(app: FastifyInstance, now = new Date()): Promise<number> {
  const horizon = addDays(localToday(now), PLAN_HORIZON_DAYS);
  const plans = (await listPlans(app.db, { status: 'active' }))
    .filter((p) => (p.materialized_until ?? '') < horizon && (!p.until_date || (p.materialized_until ?? '') < p.until_date));
  let created = 0;
  for (const plan of plans) {
    const result = await app.db.transaction().execute(async (trx) => {
      // Another instance may be doing the same: the unique (plan, date) key makes this idempotent.
      const fresh = await getPlan(trx, plan.id, true);
      return fresh ? materializePlan(trx, fresh, now, true) : { created: 0 };
    });
    if (result.created) await app.dataEvents.publish(app.db, { kind: 'desks', ids: [], street: plan.street_code });
    created += result.created;
  }
  return created;
}

async function desksPlugin(app: FastifyInstance): Promise<void> {
  await app.register(deskPublicRoutes);
  await app.register(deskStaffRoutes);
  await app.register(deskRequestRoutes);

  let timer: NodeJS.Timeout | undefined;
  const topUp = () => topUpPlans(app).catch((err) => app.log.error({ err }, 'desks: topping up recurring plans failed'));
  app.addHook('onReady', async () => {
    await topUp();
    timer = setInterval(() => { void topUp(); }, TOP_UP_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => { if (timer) clearInterval(timer); });
}

export const desks = fp(desksPlugin, { name: 'desks', dependencies: ['auth', 'walking', 'coverage'] });
export default desks;
