// The coverage service: runs the analysis for the whole district per profile and keeps the answer
// until something it depends on changes. Its stamp counts the changes to compounds, gates, settings
// and the network (their data-change events) plus the walking engine's point-index version and graph
// (the engine follows point edits itself), so an edit shows on the very next request, without a timer,
// while edits to unrelated data (board sites, desks) do not throw the analysis away.
import type { FastifyInstance } from 'fastify';
import type { WalkingEngine } from '../network/walkingEngine.ts';
import type { DataKind } from '../events.ts';
import { analyseCoverage, type CoverageModel, type CoveragePoint } from './analysis.ts';
import { loadCompounds, loadSettingRows, loadStreets, type CoverageCompoundRow } from './repository.ts';
import { CoverageSettings } from './targets.ts';

/** Changes that alter the analysis' inputs besides the service points (which the engine tracks). */
const COVERAGE_INPUTS = new Set<DataKind>(['compounds', 'settings', 'network', 'resync']);

export interface CoverageSnapshot {
  model: CoverageModel;
  compounds: CoverageCompoundRow[];
  settings: CoverageSettings;
  streets: { code: string; name: string }[];
  engine: WalkingEngine<CoveragePoint>;
  /** Milliseconds spent on this request: database reads plus analysis (0 when served from the cache). */
  computedMs: number;
  cached: boolean;
}

export class CoverageService {
  private readonly cache = new Map<string, { stamp: string; graph: unknown; snapshot: CoverageSnapshot }>();
  private readonly pending = new Map<string, Promise<CoverageSnapshot>>();
  private revision = 0;

  constructor(
    private readonly app: FastifyInstance,
    /** The live walking engine (its point index holds the active service points). */
    private readonly engine: () => WalkingEngine<CoveragePoint> | Promise<WalkingEngine<CoveragePoint>>,
  ) {
    // No onClose hook here: the service may be created after the app is ready (hooks are closed then);
    // the listener lives exactly as long as the app's DataEvents.
    app.dataEvents.on((change) => { if (COVERAGE_INPUTS.has(change.kind)) this.revision++; });
  }

  async walkingEngine(): Promise<WalkingEngine<CoveragePoint>> { return this.engine(); }

  /** The district-wide analysis for a profile, recomputed when any data changed since the last one. */
  async snapshot(profile: string): Promise<CoverageSnapshot> {
    const engine = await this.engine();
    const stamp = `${this.revision}:${engine.points.version}`;
    const hit = this.cache.get(profile);
    if (hit && hit.stamp === stamp && hit.graph === engine.graph) return { ...hit.snapshot, computedMs: 0, cached: true };
    const key = `${profile}@${stamp}`;
    let job = this.pending.get(key);
    if (!job) {
      job = this.compute(engine, profile).then((snapshot) => {
        this.cache.set(profile, { stamp, graph: engine.graph, snapshot });
        return snapshot;
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    return job;
  }

  private async compute(engine: WalkingEngine<CoveragePoint>, profile: string): Promise<CoverageSnapshot> {
    const started = performance.now();
    // Shared by every reader until the next change, so never from a replica behind a change this instance knows of (app.reads).
    const db = await this.app.reads.fresh();
    const [compounds, rows, streets] = await Promise.all([loadCompounds(db), loadSettingRows(db), loadStreets(db)]);
    const settings = new CoverageSettings(this.app.catalog, rows.overrides, rows.incomplete);
    const model = analyseCoverage(engine, compounds, settings, profile, this.app.catalog.categories.map((c) => c.id));
    return { model, compounds, settings, streets, engine, computedMs: performance.now() - started, cached: false };
  }
}
