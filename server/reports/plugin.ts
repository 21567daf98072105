// Residents' voice (居民反馈) in the app: the public form and receipt (publicRoutes.ts, receiptPage.ts) and
// the street office's queue, answers, counts and exports (staffRoutes.ts). Needs auth, the district
// outline and the street areas.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { reportPublicRoutes } from './publicRoutes.ts';
import { reportStaffRoutes } from './staffRoutes.ts';
import { receiptPageRoutes } from './receiptPage.ts';
import { receivedSince } from './repository.ts';

async function reportsPlugin(app: FastifyInstance): Promise<void> {
  // The street check-up report prints these figures (received and resolved since its last snapshot).
  app.decorate('checkupResidentReports', (street: string | null, since: Date) => receivedSince(app.db, street, since));
  await app.register(reportStaffRoutes); // static paths (/queue, /counts, /export.*) before the public /:code
  await app.register(reportPublicRoutes);
  await app.register(receiptPageRoutes);
}

export const reports = fp(reportsPlugin, { name: 'reports', dependencies: ['auth', 'district', 'areas'] });
export default reports;
