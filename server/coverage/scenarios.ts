// Planning scenarios (规划方案): what a named set of hypothetical points of one or several categories would
// newly cover, together, and how two scenarios compare (covered by both, by only one). Pure: the
// coverage model and the planning engine in, compounds and residents out; SQL lives in repository.ts.
import type { WalkingEngine } from '../network/walkingEngine.ts';
import type { CoverageModel } from './analysis.ts';
import type { CoverageSettings } from './targets.ts';
import { plannerFor, walksFromNewPoints } from './planning.ts';

export interface ScenarioPoint {
  category: string;
  lon: number;
  lat: number;
  label: string | null;
  /** The service point made from this one (a closed draft marked 规划草稿), once converted. */
  draft_point_id?: number | null;
}

export interface ScenarioItem {
  compound_id: number;
  compound_name: string;
  street_code: string;
  category: string;
  residents: number | null;
  walk_min_before: number | null;
  walk_min_after: number;
  target_min: number;
}

export interface ScenarioEffect {
  /** Compound × category gaps the scenario's points would close. */
  items: ScenarioItem[];
  /** Distinct compounds with at least one gap closed, and their residents. */
  compounds: number;
  residents: number;
  by_category: { category: string; points: number; compounds: number; residents: number }[];
}

/** What all the scenario's points together would newly cover (points of one category act together). */
export function scenarioEffect(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, points: readonly ScenarioPoint[]): ScenarioEffect {
  const planner = plannerFor(engine);
  const items: ScenarioItem[] = [];
  const by_category: ScenarioEffect['by_category'] = [];
  for (const category of [...new Set(points.map((p) => p.category))].sort()) {
    const mine = points.filter((p) => p.category === category);
    const limit = settings.maxMinutes(category, model.profile, model.streetCodes());
    const walks = walksFromNewPoints(planner, model, mine.map((p, i) => ({ id: `s${i}`, category_id: category, lon: p.lon, lat: p.lat })), category, limit);
    const before = items.length;
    model.compounds.forEach((c, ci) => {
      const row = model.row(ci, category);
      const walk = walks[ci];
      if (!walk || row.status !== 'gap' || row.note === 'no_step_free_gate' || walk.minutes > row.target_min) return;
      items.push({
        compound_id: c.id, compound_name: c.name, street_code: c.street_code, category, residents: c.residents,
        walk_min_before: row.walk_min, walk_min_after: walk.minutes, target_min: row.target_min,
      });
    });
    const mineItems = items.slice(before);
    by_category.push({ category, points: mine.length, compounds: mineItems.length, residents: mineItems.reduce((n, x) => n + (x.residents ?? 0), 0) });
  }
  const compounds = new Map(items.map((x) => [x.compound_id, x.residents ?? 0]));
  return { items, compounds: compounds.size, residents: [...compounds.values()].reduce((n, r) => n + r, 0), by_category };
}

const itemKey = (x: { compound_id: number; category: string }) => `${x.compound_id}|${x.category}`;

/** Two scenarios side by side: the gaps both close, and those only one of them closes. */
export function compareEffects(a: ScenarioEffect, b: ScenarioEffect) {
  const inA = new Set(a.items.map(itemKey)), inB = new Set(b.items.map(itemKey));
  // residents of the distinct compounds, so a compound gaining two categories counts its people once
  const sum = (xs: ScenarioItem[]) => [...new Map(xs.map((x) => [x.compound_id, x.residents ?? 0])).values()].reduce((n, r) => n + r, 0);
  const both = a.items.filter((x) => inB.has(itemKey(x)));
  const onlyA = a.items.filter((x) => !inB.has(itemKey(x)));
  const onlyB = b.items.filter((x) => !inA.has(itemKey(x)));
  return {
    both: { items: both.length, residents: sum(both), list: both },
    only_a: { items: onlyA.length, residents: sum(onlyA), list: onlyA },
    only_b: { items: onlyB.length, residents: sum(onlyB), list: onlyB },
  };
}
