// The live walking service: the pure engine built from the database at start, its point index kept in
// step with every data change (points reloaded by id, the graph rebuilt on a network change), and
// async methods that wait for a refresh under way, so an edit is visible in the very next answer.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DataChange, DataEvents } from '../events.ts';
import type { WalkingGraphReport } from './walkingGraph.ts';
import type { WalkingProfile } from './profiles.ts';
import {
  WalkingEngine, type BatchAnswer, type BatchOrigin, type NearestOptions, type NearestPoint, type Place,
  type ReachAnswer, type ReachOptions, type WalkAnswer,
} from './walkingEngine.ts';
import type { SnapResult } from './snapping.ts';
import type { RingCollection } from './rings.ts';
import { loadActivePoints, loadBaseNodeCorrections, loadPointsById, loadWalkingWays, type WalkingPoint } from './repository.ts';
import { loadPublishedCorrections } from './correctionsRepository.ts';
import { buildCorrectedGraphAsync, type NetworkCorrection } from './corrections.ts';
import type { WalkingWayInput } from './walkingGraph.ts';
import type { Feature, LineString } from 'geojson';

export interface WalkingServiceOptions {
  /** The primary: this instance's own changes are read from it (the editor's next answer must show them). */
  db: Kysely<Database>;
  /** Where to load from after another instance's change, or at start (a replica once it has caught up; server/db/readRouting.ts). */
  readerFor?: (change?: DataChange) => Promise<Kysely<Database>>;
  events: DataEvents;
  profiles: readonly WalkingProfile[];
  maxSnapM: number;
  log: FastifyBaseLogger;
}

/**
 * What the live engine is built from, with its stamp: enough for another thread to build the same
 * engine (the reach workers, server/network/reachPool.ts).
 */
export interface EngineSnapshot {
  stamp: string;
  ways: WalkingWayInput[];
  corrections: NetworkCorrection[];
  points: WalkingPoint[];
}

/** One change to the live engine, in the order it happened: a new graph, or points changed on the current one. */
export type EngineChange =
  | { kind: 'graph'; snapshot: EngineSnapshot }
  | { kind: 'points'; stamp: string; upsert: WalkingPoint[]; remove: number[] }
  | { kind: 'points-all'; stamp: string; points: WalkingPoint[] };

export interface WalkingStatus {
  graph: WalkingGraphReport;
  /** When the graph was last built, and how long loading + building took. */
  builtAt: string;
  buildMs: number;
  points: number;
  /** Increases whenever the point index changes (a cheap cache key). */
  pointsVersion: number;
  /** Points that could not be attached to the network (standard profile). */
  unsnappedPoints: { id: number; name: string; nearest_m: number | null }[];
}

/**
 * What other features call (decorated as `app.walking`). Every method waits for a pending refresh,
 * then answers from the pure engine (server/network/walkingEngine.ts), whose TSDoc describes the answers.
 * Errors: UnknownProfileError (unknown profile id), OutsideNetworkError (a place farther than
 * `maxSnapM` from any walkable way, or not a lon/lat).
 */
export class WalkingService {
  private current!: WalkingEngine<WalkingPoint>;
  private pending: Promise<void> = Promise.resolve();
  private builtAt = new Date();
  private builds = 0;
  private buildMs = 0;
  private readonly unsubscribe: () => void;
  /** The base ways and published corrections the live graph was built from (a preview builds on them). */
  private base: { ways: WalkingWayInput[]; corrections: NetworkCorrection[] } = { ways: [], corrections: [] };
  private readonly followers = new Set<(change: EngineChange) => void>();

  private constructor(private readonly options: WalkingServiceOptions) {
    this.unsubscribe = options.events.on((change) => this.onChange(change));
  }

  /** Build the graph from the ways table and load the active points. */
  static async start(options: WalkingServiceOptions): Promise<WalkingService> {
    const service = new WalkingService(options);
    await service.rebuild(await service.reader());
    return service;
  }

  /** The live engine, after any refresh under way. Its point index holds the active service points. */
  async engine(): Promise<WalkingEngine<WalkingPoint>> {
    await this.pending;
    return this.current;
  }

  /**
   * An engine built as the live one would be with a different set of published corrections (for a
   * preview: nothing live changes). `change` maps the published list to the trial one.
   */
  async trialEngine(change: (published: NetworkCorrection[]) => NetworkCorrection[]): Promise<WalkingEngine<WalkingPoint>> {
    const live = await this.engine();
    const graph = await buildCorrectedGraphAsync(this.base.ways, change([...this.base.corrections]));
    const engine = new WalkingEngine<WalkingPoint>(graph, this.options.profiles, { maxSnapM: this.options.maxSnapM });
    engine.points.setAll(live.points.all());
    return engine;
  }

  /** Increases each time the graph is rebuilt (with pointsVersion, a cache key for answers). */
  get graphVersion(): number { return this.builds; }

  /**
   * Which state the live engine is in: graph builds and point index version. Read it after `engine()`;
   * an engine mirrored elsewhere answers for the same state only when its stamp is this one.
   */
  get stamp(): string { return `${this.builds}:${this.current.points.version}`; }

  /**
   * What the live engine was built from and its points, now (a refresh under way is told to followers
   * when it lands): a follower that applies this and then every later change has the live engine.
   */
  snapshot(): EngineSnapshot {
    return { stamp: this.stamp, ways: this.base.ways, corrections: this.base.corrections, points: this.current.points.all() };
  }

  /** Calls `listener` with every later change to the live engine, in order. Returns the unsubscribe. */
  follow(listener: (change: EngineChange) => void): () => void {
    this.followers.add(listener);
    return () => { this.followers.delete(listener); };
  }

  /** The profiles (from data/profiles.json). */
  profiles(): WalkingProfile[] { return [...this.options.profiles]; }

  /** Graph size, build time, point count and version, points that could not be snapped. */
  async status(): Promise<WalkingStatus> {
    const engine = await this.engine();
    const view = engine.points.view('', engine.costs('standard'));
    return {
      graph: engine.graph.report,
      builtAt: this.builtAt.toISOString(),
      buildMs: Math.round(this.buildMs),
      points: engine.points.size,
      pointsVersion: engine.points.version,
      unsnappedPoints: view.unsnapped.map((u) => ({ id: u.point.id, name: u.point.name, nearest_m: u.failure.nearestM })),
    };
  }

  /** Stop following data changes (on app close). Waits for a refresh under way. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.followers.clear();
    await this.pending.catch(() => {});
  }

  private onChange(change: DataChange): void {
    if (change.kind !== 'points' && change.kind !== 'network' && change.kind !== 'resync') return;
    this.pending = this.pending.then(async () => {
      const db = await this.reader(change);
      if (change.kind === 'network' || change.kind === 'resync') await this.rebuild(db);
      else if (change.ids?.length) await this.refreshPoints(db, change.ids);
      else this.setAllPoints(await loadActivePoints(db));
    }).catch((err) => {
      this.options.log.error({ err, change }, 'walking engine: could not follow a data change; reloading all points');
      return loadActivePoints(this.options.db).then((points) => this.setAllPoints(points))
        .catch((again) => this.options.log.error({ err: again }, 'walking engine: point reload failed'));
    });
  }

  private tell(change: EngineChange): void {
    for (const listener of this.followers) {
      try { listener(change); } catch (err) { this.options.log.error({ err }, 'walking engine: a follower failed'); }
    }
  }

  private setAllPoints(points: WalkingPoint[]): void {
    this.current.points.setAll(points);
    this.tell({ kind: 'points-all', stamp: this.stamp, points });
  }

  private reader(change?: DataChange): Promise<Kysely<Database>> {
    return this.options.readerFor ? this.options.readerFor(change) : Promise.resolve(this.options.db);
  }

  private async refreshPoints(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
    const fresh = await loadPointsById(db, ids);
    const active = new Set(fresh.map((p) => p.id));
    for (const p of fresh) this.current.points.upsert(p);
    const remove = ids.filter((id) => !active.has(id));
    for (const id of remove) this.current.points.remove(id);
    this.tell({ kind: 'points', stamp: this.stamp, upsert: fresh, remove });
  }

  private async rebuild(db: Kysely<Database>): Promise<void> {
    const started = performance.now();
    const [ways, points, baseNodes, published] = await Promise.all([
      loadWalkingWays(db), loadActivePoints(db), loadBaseNodeCorrections(db), loadPublishedCorrections(db),
    ]);
    // The extract's own barriers and crossings first: a street office's correction at the same place wins.
    const corrections = [...baseNodes, ...published];
    // Built in phases that give the event loop a turn, so other routes keep answering while a network
    // loads and the load-shedding monitor (server/http/resilience.ts) sees no long stall. Walking
    // answers wait for the new engine.
    const graph = await buildCorrectedGraphAsync(ways, corrections);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const engine = new WalkingEngine<WalkingPoint>(graph, this.options.profiles, { maxSnapM: this.options.maxSnapM });
    engine.points.setAll(points);
    for (const profile of this.options.profiles) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      engine.pointView(profile.id); // snap the points now, not on the first question
    }
    this.current = engine;
    this.base = { ways, corrections };
    this.builds++;
    this.builtAt = new Date();
    this.buildMs = performance.now() - started;
    this.tell({ kind: 'graph', snapshot: { stamp: this.stamp, ways, corrections, points } });
    this.options.log.info({ ...engine.graph.report, largestComponents: undefined, points: points.length, ms: Math.round(this.buildMs) }, 'walking graph built');
  }
}
