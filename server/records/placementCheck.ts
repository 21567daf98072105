// Turns the placement rule's verdict (server/records/placement.ts) into the answer a write gives: the
// community to store, or an HttpError naming the field, with what a form needs to ask for confirmation.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import { CONFIRM_FIELD, judgePlacement, type AreaIndex, type PlacementFields, type PlacementInput, type PlacementProblem } from './placement.ts';

/**
 * The position check every record write calls (server/records/editing.ts, desk visits): the community to
 * store, or a 403/400 (official areas) or 422 (approximate, unless `confirmed`) naming the field. The
 * index is read before the write's transaction (the embedded engine has one connection).
 */
export function placeRecord(
  index: AreaIndex, request: FastifyRequest, placement: PlacementInput, confirmed: boolean, fields?: PlacementFields,
): { community_code: string | null } {
  const verdict = judgePlacement(index, request.staff ?? { role: 'viewer' as const, street_code: null }, placement, confirmed, fields);
  if (!verdict.ok) throw placementError(verdict.problem);
  return { community_code: verdict.community_code };
}

export function placementError(problem: PlacementProblem): HttpError {
  const { statusCode, field, message, message_zh, ...details } = problem;
  return new HttpError(statusCode, message, field, message_zh, { ...details, ...(problem.needs_confirmation ? { confirm_field: CONFIRM_FIELD } : {}) });
}

