// Coverage gaps per compound, as the rotation planner weighs them: taken from the coverage analysis
// (server/coverage/), so the planner counts exactly the gaps /api/coverage shows, with the street's own
// targets, and categories marked incomplete counting as unknown rather than missing.
import type { FastifyInstance } from 'fastify';

export interface CompoundGaps { compound_id: number; gap_categories: string[] }

export const GAP_SOURCE = 'coverage analysis (server/coverage): categories with status "gap" for the compound\'s best gate and the street\'s targets';

export async function coverageGapsByCompound(
  app: FastifyInstance, compoundIds: readonly number[], profile: string,
): Promise<Map<number, CompoundGaps>> {
  const wanted = new Set(compoundIds);
  const out = new Map<number, CompoundGaps>(compoundIds.map((id) => [id, { compound_id: id, gap_categories: [] }]));
  const { model } = await app.coverage.snapshot(profile);
  for (const row of model.rows) {
    if (wanted.has(row.compound_id) && row.status === 'gap') out.get(row.compound_id)!.gap_categories.push(row.category);
  }
  return out;
}
