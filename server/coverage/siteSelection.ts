// Choosing new sites from candidate places whose coverage sets are known (which gap compounds each
// place would bring within target): the quick greedy answers and the exact ones, solved as integer
// programs by HiGHS (WebAssembly, the `highs` package, in a worker thread). Sets in, choices out.
// The solver runs in a worker thread (highsWorker.mjs), so a long solve never stalls other requests.
import { Worker } from 'node:worker_threads';
import type { HighsSolution } from 'highs';

/** Candidate i covers the compounds sets[i] (indices into the instance's compound list). */
export interface SiteInstance {
  /** Weight of each compound (residents; 0 when unknown). */
  weights: readonly number[];
  sets: readonly (readonly number[])[];
}

export type SolveStatus = 'optimal' | 'time_limit' | 'infeasible' | 'error';

export interface ExactChoice {
  status: SolveStatus;
  /** True only when HiGHS proved the answer optimal (status 'optimal'). */
  proven_optimal: boolean;
  /** Candidate indices chosen (empty when the solver found no solution). */
  chosen: number[];
  /** Objective: number of sites (cover) or weight covered (budget). */
  objective: number | null;
  solve_ms: number;
  /** Size of the integer program after dropping duplicate and dominated candidates. */
  variables: number;
  constraints: number;
  solver_status: string;
}

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, (answer: { result?: HighsSolution; error?: string; ms?: number }) => void>();

function solverThread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./highsWorker.mjs', import.meta.url));
  w.unref(); // an idle solver never keeps the process alive
  w.on('message', (m: { id: number; result?: HighsSolution; error?: string; ms?: number }) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const fail = (e: unknown) => {
    for (const done of waiting.values()) done({ error: String((e as Error)?.message ?? e) });
    waiting.clear();
    if (worker === w) worker = undefined;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(`solver thread exited (${code})`));
  worker = w;
  return w;
}

/** Solves a CPLEX LP-format model with HiGHS in the solver thread. */
export function solveWithHighs(lp: string, options: Record<string, unknown>): Promise<{ result?: HighsSolution; error?: string; ms?: number }> {
  const w = solverThread();
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    w.ref();
    w.postMessage({ id, lp, options });
  }).finally(() => { if (waiting.size === 0) w.unref(); }) as Promise<{ result?: HighsSolution; error?: string; ms?: number }>;
}

const SOLVE_OPTIONS = { mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: 30, output_flag: false } as const;

/** Compounds that at least one candidate covers. */
export function coverable(instance: SiteInstance): Set<number> {
  const out = new Set<number>();
  for (const s of instance.sets) for (const j of s) out.add(j);
  return out;
}

/**
 * Candidates worth keeping for the integer programs: one per distinct coverage set, and none whose set
 * lies inside another's (any solution using it can use the larger one instead, so the optimum is kept).
 */
export function undominated(sets: readonly (readonly number[])[]): number[] {
  const seen = new Map<string, number>();
  for (let i = 0; i < sets.length; i++) {
    if (sets[i].length === 0) continue;
    const key = [...sets[i]].sort((a, b) => a - b).join(',');
    if (!seen.has(key)) seen.set(key, i);
  }
  const unique = [...seen.values()];
  const asSet = new Map(unique.map((i) => [i, new Set(sets[i])]));
  const byCompound = new Map<number, number[]>();
  for (const i of unique) for (const j of sets[i]) {
    if (!byCompound.has(j)) byCompound.set(j, []);
    byCompound.get(j)!.push(i);
  }
  return unique.filter((b) => {
    const sb = sets[b];
    // a dominating candidate must contain b's first compound
    return !byCompound.get(sb[0])!.some((a) => a !== b && sets[a].length >= sb.length
      && (sets[a].length > sb.length || a < b) && sb.every((j) => asSet.get(a)!.has(j)));
  });
}

/** Greedy set cover: repeatedly the candidate adding the most uncovered compounds (then weight). */
export function greedyCover(instance: SiteInstance, target: ReadonlySet<number>): number[] {
  const left = new Set(target);
  const chosen: number[] = [];
  while (left.size > 0) {
    let best = -1, bestCount = 0, bestWeight = 0;
    instance.sets.forEach((s, i) => {
      let count = 0, weight = 0;
      for (const j of s) if (left.has(j)) { count++; weight += instance.weights[j]; }
      if (count > bestCount || (count === bestCount && count > 0 && weight > bestWeight)) { best = i; bestCount = count; bestWeight = weight; }
    });
    if (best < 0) break;
    chosen.push(best);
    for (const j of instance.sets[best]) left.delete(j);
  }
  return chosen;
}

/** Greedy budget: k times the candidate adding the most uncovered weight (then compounds). */
export function greedyBudget(instance: SiteInstance, k: number): number[] {
  const covered = new Set<number>();
  const chosen: number[] = [];
  for (let round = 0; round < k; round++) {
    let best = -1, bestWeight = 0, bestCount = 0;
    instance.sets.forEach((s, i) => {
      let count = 0, weight = 0;
      for (const j of s) if (!covered.has(j)) { count++; weight += instance.weights[j]; }
      if (weight > bestWeight || (weight === bestWeight && count > bestCount)) { best = i; bestWeight = weight; bestCount = count; }
    });
    if (best < 0 || bestCount === 0) break;
    chosen.push(best);
    for (const j of instance.sets[best]) covered.add(j);
  }
  return chosen;
}

/** Compounds and weight a set of candidates covers. */
export function coveredBy(instance: SiteInstance, chosen: readonly number[]): { compounds: Set<number>; weight: number } {
  const compounds = new Set<number>();
  for (const i of chosen) for (const j of instance.sets[i]) compounds.add(j);
  let weight = 0;
  for (const j of compounds) weight += instance.weights[j];
  return { compounds, weight };
}

/** Sum terms over several lines: the LP format allows continuation lines, and short lines read safely. */
function sumLines(terms: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 12) lines.push(terms.slice(i, i + 12).join(' + '));
  return lines.join('\n   + ');
}

async function solveLp(lp: string, candidates: readonly number[], vars: number, rows: number, objectiveNames: (name: string) => number | undefined): Promise<ExactChoice> {
  const started = performance.now();
  const answer = await solveWithHighs(lp, SOLVE_OPTIONS);
  const result = answer.result;
  if (!result) {
    return { status: 'error', proven_optimal: false, chosen: [], objective: null, solve_ms: performance.now() - started, variables: vars, constraints: rows, solver_status: answer.error ?? 'no answer' };
  }
  // the solver's own time, not the queue before it
  const solveMs = answer.ms ?? performance.now() - started;
  const status: SolveStatus = result.Status === 'Optimal' ? 'optimal'
    : result.Status === 'Time limit reached' ? 'time_limit'
      : result.Status === 'Infeasible' ? 'infeasible' : 'error';
  const chosen: number[] = [];
  if (status === 'optimal' || status === 'time_limit') {
    for (const [name, col] of Object.entries(result.Columns ?? {})) {
      const i = objectiveNames(name);
      if (i !== undefined && Number((col as { Primal?: number }).Primal ?? 0) > 0.5) chosen.push(candidates[i]);
    }
  }
  chosen.sort((a, b) => a - b);
  return {
    status, proven_optimal: status === 'optimal', chosen,
    objective: chosen.length || status === 'optimal' ? Number(result.ObjectiveValue) : null,
    solve_ms: solveMs, variables: vars, constraints: rows, solver_status: String(result.Status),
  };
}

const xIndex = (name: string) => (name.startsWith('x') ? Number(name.slice(1)) : undefined);

/**
 * The fewest candidates that cover every compound of `target` that any candidate can cover
 * (compounds nobody covers are left out here and reported by the caller).
 */
export async function fewestSites(instance: SiteInstance, target: ReadonlySet<number>): Promise<ExactChoice> {
  const reachable = coverable(instance);
  const must = [...target].filter((j) => reachable.has(j));
  const restricted = instance.sets.map((s) => s.filter((j) => target.has(j)));
  const keep = undominated(restricted);
  if (must.length === 0) {
    return { status: 'optimal', proven_optimal: true, chosen: [], objective: 0, solve_ms: 0, variables: 0, constraints: 0, solver_status: 'Optimal (nothing to cover)' };
  }
  const coveredBy = new Map<number, number[]>();
  keep.forEach((i, x) => { for (const j of restricted[i]) { if (!coveredBy.has(j)) coveredBy.set(j, []); coveredBy.get(j)!.push(x); } });
  const lp = [
    'Minimize',
    ` sites: ${sumLines(keep.map((_, x) => `x${x}`))}`,
    'Subject To',
    ...must.map((j) => ` c${j}: ${sumLines(coveredBy.get(j)!.map((x) => `x${x}`))} >= 1`),
    'Binary',
    ...keep.map((_, x) => ` x${x}`),
    'End',
  ].join('\n');
  return solveLp(lp, keep, keep.length, must.length, xIndex);
}

/** The `k` candidates covering the most weight (residents) of `target`. */
export async function bestWithBudget(instance: SiteInstance, target: ReadonlySet<number>, k: number): Promise<ExactChoice> {
  const restricted = instance.sets.map((s) => s.filter((j) => target.has(j)));
  const keep = undominated(restricted);
  const coveredBy = new Map<number, number[]>();
  keep.forEach((i, x) => { for (const j of restricted[i]) { if (!coveredBy.has(j)) coveredBy.set(j, []); coveredBy.get(j)!.push(x); } });
  const compounds = [...coveredBy.keys()].sort((a, b) => a - b);
  if (compounds.length === 0) {
    return { status: 'optimal', proven_optimal: true, chosen: [], objective: 0, solve_ms: 0, variables: 0, constraints: 0, solver_status: 'Optimal (nothing to cover)' };
  }
  // y_j may be continuous: at an integer x the best y_j is min(1, Σ x), itself an integer.
  // A compound of unknown residents weighs a little, so the answer still prefers covering it.
  const weight = (j: number) => instance.weights[j] > 0 ? instance.weights[j] : 0.001;
  const lp = [
    'Maximize',
    ` residents: ${sumLines(compounds.map((j) => `${weight(j)} y${j}`))}`,
    'Subject To',
    ` budget: ${sumLines(keep.map((_, x) => `x${x}`))} <= ${k}`,
    ...compounds.map((j) => ` c${j}: y${j} - ${coveredBy.get(j)!.map((x) => `x${x}`).join(' - ')} <= 0`),
    'Bounds',
    ...compounds.map((j) => ` 0 <= y${j} <= 1`),
    'Binary',
    ...keep.map((_, x) => ` x${x}`),
    'End',
  ].join('\n');
  return solveLp(lp, keep, keep.length + compounds.length, compounds.length + 1, xIndex);
}
