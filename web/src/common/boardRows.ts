// The numbered rows of a board, computed in the browser from a live /api/reach answer with the rule the
// board printer uses (server/boards/content.ts): categories in the catalog's order; in each, the points
// within 15 minutes, nearest first (ties by id), at most 8; numbered 1..N across the board. The phone
// page shows the same numbers as the printed board, and lists the points past the limit without one.
import type { Category, NearestItem } from './api.ts';

export const BOARD_MAX_MINUTES = 15;
export const PER_CATEGORY_LIMIT = 8;

export interface BoardGroup {
  category: Category;
  /** Printed on the board, with their numbers. */
  rows: (NearestItem & { number: number })[];
  /** Also within 15 minutes, left off the board by the per-category limit. */
  extra: NearestItem[];
  /** Nearest point beyond 15 minutes, when none is within (the gap made concrete). */
  nearestBeyond: NearestItem | null;
}

export function boardGroups(categories: Category[], nearest: Record<string, NearestItem[]>): BoardGroup[] {
  let number = 0;
  return categories.map((category) => {
    const all = [...(nearest[category.id] ?? [])].sort((a, b) => a.walk_s - b.walk_s || a.id - b.id);
    const within = all.filter((p) => p.walk_s <= BOARD_MAX_MINUTES * 60);
    const rows = within.slice(0, PER_CATEGORY_LIMIT).map((p) => ({ ...p, number: ++number }));
    return { category, rows, extra: within.slice(PER_CATEGORY_LIMIT), nearestBeyond: within.length ? null : all[0] ?? null };
  });
}
