// Refreshing the base network from an OpenStreetMap extract (npm run network:import, POST /api/network/imports):
// read the extract (.osm and .osm.pbf through Debian's osmium, or the Geofabrik-schema GeoJSON the service
// ships), check it, compare it with the current base, re-anchor every correction on it, and replace the
// base in one transaction with the report kept beside it. The caller then publishes the 'network' change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql, type Kysely, type Transaction } from 'kysely';
import { length as turfLength, lineString } from '@turf/turf';
import type { Database, NetworkNodesTable } from '../db/schema.ts';
import { readOsmRoads, replaceWays, type NetworkWay } from './baseWays.ts';
import { recordAudit } from '../records/audit.ts';
import { haversineM, type LonLat } from '../geo.ts';
import { isWalkable } from './walkingRules.ts';
import { buildCorrectedGraph, pathEndJoins, type NetworkCorrection, CROSSING_SNAP_M, GATE_SNAP_M, PATH_JOIN_M } from './corrections.ts';
import { listCorrections, toNetworkCorrection, type CorrectionRow } from './correctionsRepository.ts';
import { loadActivePoints, loadWalkingWays, type WalkingPoint } from './repository.ts';
import { WalkingEngine } from './walkingEngine.ts';
import type { WalkingWayInput } from './walkingGraph.ts';
import type { WalkingProfile } from './profiles.ts';

const run = promisify(execFile);

/** A problem with the extract itself: nothing was changed. `field` is what an API answer names. */
export class NetworkImportError extends Error {
  constructor(message: string, readonly message_zh: string, readonly field = 'file') { super(message); }
}

export type ExtractFormat = 'osm' | 'osm.pbf' | 'geojson';

/** The format a file name says (.osm, .osm.pbf / .pbf, .geojson / .json), or null. */
export function extractFormat(name: string): ExtractFormat | null {
  const n = name.toLowerCase();
  if (n.endsWith('.osm.pbf') || n.endsWith('.pbf')) return 'osm.pbf';
  if (n.endsWith('.osm')) return 'osm';
  if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
  return null;
}

/** A tagged OSM node of the base: a barrier (gate, bollard…) or a crossing. */
export type BaseNode = Omit<NetworkNodesTable, 'id' | 'geom'> & { lon: number; lat: number };

export interface NetworkExtract { format: ExtractFormat; ways: NetworkWay[]; nodes: BaseNode[] }

type Tags = Record<string, string | number | undefined>;
interface OsmiumFeature { properties: Tags; geometry: { type: string; coordinates: unknown } | null }

const tag = (t: Tags, k: string): string | null => (t[k] === undefined || t[k] === '' ? null : String(t[k]));
/** bridge=*, tunnel=*: any value but "no" counts (as Geofabrik's T/F does). */
const yes = (t: Tags, k: string) => { const v = tag(t, k); return v !== null && v !== 'no'; };

function wayOf(t: Tags, coordinates: LonLat[], ref: string | null): NetworkWay {
  const layer = Math.round(Number.parseFloat(tag(t, 'layer') ?? '0')) || 0;
  const attributes = { highway: String(t.highway), layer, bridge: yes(t, 'bridge'), tunnel: yes(t, 'tunnel'), foot: tag(t, 'foot'), access: tag(t, 'access') };
  const coords = coordinates.map((c) => [c[0], c[1]] as [number, number]);
  return {
    source_ref: ref, name: tag(t, 'name'), ref: tag(t, 'ref'), ...attributes,
    wheelchair: tag(t, 'wheelchair'), incline: tag(t, 'incline'),
    crossing: tag(t, 'crossing') ?? (t.footway === 'crossing' ? 'yes' : null),
    walkable: isWalkable(attributes),
    length_m: turfLength(lineString(coords), { units: 'kilometers' }) * 1000,
    coordinates: coords,
  };
}

/** Ways and tagged nodes from osmium's GeoJSON export (properties are the OSM tags, plus @type and @id). */
function fromOsmiumFeatures(features: OsmiumFeature[], format: ExtractFormat): NetworkExtract {
  const ways: NetworkWay[] = [];
  const nodes: BaseNode[] = [];
  for (const f of features) {
    const t = f.properties ?? {};
    if (!f.geometry) continue;
    if (t['@type'] === 'way' && f.geometry.type === 'LineString' && t.highway !== undefined) {
      const coords = f.geometry.coordinates as LonLat[];
      if (coords.length >= 2) ways.push(wayOf(t, coords, `osm/way/${t['@id']}`));
    } else if (t['@type'] === 'node' && f.geometry.type === 'Point' && (t.barrier !== undefined || t.crossing !== undefined || t.highway === 'crossing')) {
      const [lon, lat] = f.geometry.coordinates as LonLat;
      const barrier = tag(t, 'barrier');
      nodes.push({
        source_ref: `osm/node/${t['@id']}`, barrier, crossing: tag(t, 'crossing') ?? (t.highway === 'crossing' ? 'yes' : null),
        opening_hours: barrier ? tag(t, 'opening_hours') : null, wheelchair: tag(t, 'wheelchair'), access: tag(t, 'access'), lon, lat,
      });
    }
  }
  return { format, ways, nodes };
}

/** Reads an extract. Throws NetworkImportError naming what is wrong with the file. */
export async function readExtract(file: string, format = extractFormat(file)): Promise<NetworkExtract> {
  if (!format) {
    throw new NetworkImportError(`${path.basename(file)}: not an OpenStreetMap extract (expected .osm, .osm.pbf or .geojson)`,
      `${path.basename(file)}：不是 OpenStreetMap 数据文件（应为 .osm、.osm.pbf 或 .geojson）`);
  }
  if (!fs.existsSync(file)) throw new NetworkImportError(`${file}: no such file`, `${file}：文件不存在`);
  if (format === 'geojson') {
    let collection: { features?: OsmiumFeature[] };
    try { collection = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) {
      throw new NetworkImportError(`${path.basename(file)}: not valid GeoJSON (${(err as Error).message})`, `${path.basename(file)}：不是有效的 GeoJSON`);
    }
    if (!Array.isArray(collection?.features)) throw new NetworkImportError(`${path.basename(file)}: not a GeoJSON FeatureCollection`, `${path.basename(file)}：不是 GeoJSON 要素集合`);
    // osmium's own export keeps OSM tags; the shipped file is in Geofabrik's shapefile schema (bridge 'T'/'F').
    if (collection.features.some((f) => f?.properties?.['@type'] !== undefined)) return fromOsmiumFeatures(collection.features, format);
    try { return { format, ways: readOsmRoads(file), nodes: [] }; } catch (err) {
      throw new NetworkImportError(`${path.basename(file)}: not in the Geofabrik roads schema (${(err as Error).message})`, `${path.basename(file)}：不是 Geofabrik 道路数据格式`);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-import-'));
  const out = path.join(dir, 'extract.geojson');
  try {
    try {
      await run('osmium', ['export', file, '-f', 'geojson', '--geometry-types=point,linestring', '-a', 'type,id', '-O', '-o', out], { maxBuffer: 4 << 20 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new NetworkImportError('osmium is not installed (Debian: apt-get install osmium-tool)', '未安装 osmium（Debian：apt-get install osmium-tool）', 'osmium');
      const why = (e.stderr ?? e.message).trim().split('\n').filter(Boolean).pop() ?? 'unreadable';
      throw new NetworkImportError(`${path.basename(file)}: not a readable OpenStreetMap ${format === 'osm' ? 'XML' : 'PBF'} file (${why})`,
        `${path.basename(file)}：无法读取的 OpenStreetMap ${format === 'osm' ? 'XML' : 'PBF'} 文件（${why}）`);
    }
    return fromOsmiumFeatures((JSON.parse(fs.readFileSync(out, 'utf8')) as { features: OsmiumFeature[] }).features, format);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the report ----------------------------------------------------------------------------------

export interface ReviewNote { id: number; kind: CorrectionRow['kind']; status: CorrectionRow['status']; street_code: string; reason: string; reason_zh: string }
export interface SiteChange { site_id: number; site_name: string; category_id: string; before_min: number | null; after_min: number | null }

export interface NetworkImportReport {
  import_id: number | null;
  source: string;
  format: ExtractFormat;
  dry_run: boolean;
  at: string;
  ways: { before: number; after: number; dropped_outside: number; not_walkable: number };
  nodes: { barriers: number; crossings: number; barriers_with_hours: number };
  km: { before: number; after: number; added: number; removed: number };
  components: { before: number; after: number };
  corrections: { checked: number; reanchored: number[]; needs_review: ReviewNote[] };
  board_sites: { profile: string; sites_checked: number; sites_affected: number; changes: SiteChange[] };
  ms: number;
}

/** Everything the import needs besides the file. */
export interface ImportOptions {
  source: string;
  dryRun: boolean;
  profiles: readonly WalkingProfile[];
  maxSnapM: number;
  /** Who imports (the route's staff member); the script imports as nobody in particular. */
  staff?: { id: number; username: string } | null;
  /**
   * A durable job's hooks inside the one transaction: `claim` first (false: an earlier attempt committed it,
   * write nothing), `commit` last with the report (the job marks itself done with the new network).
   */
  inTransaction?: {
    claim(trx: Transaction<Database>): Promise<boolean>;
    commit(trx: Transaction<Database>, report: NetworkImportReport): Promise<void>;
  };
}

/** A retried network import job whose import an earlier attempt committed. */
export class NetworkImportAlreadyDone extends Error {
  constructor() { super('the network import job was already done'); }
}

/** The ground the district covers: its street areas' box (else the current base's), widened by this much. */
const DISTRICT_MARGIN_M = 1000;
const REPORT_PROFILE = 'standard';

async function districtBox(db: Kysely<Database>): Promise<[number, number, number, number] | null> {
  const box = async (table: 'division_areas' | 'ways') => {
    const r = await sql<{ x0: number | null; y0: number | null; x1: number | null; y1: number | null }>`
      select min(ST_XMin(geom)) as x0, min(ST_YMin(geom)) as y0, max(ST_XMax(geom)) as x1, max(ST_YMax(geom)) as y1
      from ${sql.table(table)} ${table === 'division_areas' ? sql`where level = 'street'` : sql``}`.execute(db);
    const b = r.rows[0];
    return b && b.x0 !== null ? [Number(b.x0), Number(b.y0), Number(b.x1), Number(b.y1)] as [number, number, number, number] : null;
  };
  const b = (await box('division_areas')) ?? (await box('ways'));
  if (!b) return null;
  const dLat = DISTRICT_MARGIN_M / 111_320, dLon = DISTRICT_MARGIN_M / (111_320 * Math.cos(((b[1] + b[3]) / 2) * Math.PI / 180));
  return [b[0] - dLon, b[1] - dLat, b[2] + dLon, b[3] + dLat];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const segmentKey = (a: LonLat, b: LonLat) => {
  const p = `${a[0].toFixed(6)},${a[1].toFixed(6)}`, q = `${b[0].toFixed(6)},${b[1].toFixed(6)}`;
  return p < q ? `${p}|${q}` : `${q}|${p}`;
};
/** Walkable segments keyed by their rounded ends (so a way split or joined differently compares equal). */
function segmentLengths(ways: readonly WalkingWayInput[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of ways) for (let i = 0; i + 1 < w.coordinates.length; i++) {
    const a = w.coordinates[i], b = w.coordinates[i + 1];
    out.set(segmentKey(a, b), haversineM(a[0], a[1], b[0], b[1]));
  }
  return out;
}
const sumKm = (m: Map<string, number>, skip?: Map<string, number>) => {
  let s = 0;
  for (const [k, v] of m) if (!skip?.has(k)) s += v;
  return round2(s / 1000);
};

const reasons = {
  path: (end: string) => ({ en: `the way its ${end} met is gone: no way of the new network within ${PATH_JOIN_M} m`, zh: `路径${end === 'start' ? '起点' : '终点'}原接的道路已不在新路网中（${PATH_JOIN_M} 米内没有道路）` }),
  closure: { en: 'the way it closed is gone from the new network', zh: '它封闭的道路已不在新路网中' },
  gate: { en: `the way it stood on is gone: no way of the new network within ${GATE_SNAP_M} m`, zh: `门禁所在的道路已不在新路网中（${GATE_SNAP_M} 米内没有道路）` },
  crossing: { en: `no junction with a trunk, primary or secondary road within ${CROSSING_SNAP_M} m in the new network`, zh: `新路网中 ${CROSSING_SNAP_M} 米内没有与主干道或次干道的路口` },
};

/** Why a correction no longer fits the new base (null = it is re-anchored there). */
function reviewReason(c: NetworkCorrection, before: { ways: WalkingWayInput[]; unplaced: Set<number> }, after: { ways: WalkingWayInput[]; unplaced: Set<number> }): { en: string; zh: string } | null {
  if (c.kind === 'path') {
    const was = pathEndJoins(before.ways, c.coordinates), now = pathEndJoins(after.ways, c.coordinates);
    // An end that met the old base must meet the new one; a path must meet the network at one end at least.
    if (was[0] !== null && now[0] === null) return reasons.path('start');
    if (was[1] !== null && now[1] === null) return reasons.path('end');
    if (now[0] === null && now[1] === null) return reasons.path('start');
    return null;
  }
  if (!after.unplaced.has(c.id)) return null;
  return reasons[c.kind];
}

/**
 * Imports an extract: checks it, compares it with the current base and, unless `dryRun`, replaces the
 * base, marks the corrections it no longer fits and keeps the report, all in one transaction.
 * Throws NetworkImportError (nothing changed) for an extract that is unreadable, empty or elsewhere.
 */
export async function importNetwork(db: Kysely<Database>, extract: NetworkExtract, options: ImportOptions): Promise<NetworkImportReport> {
  const started = performance.now();
  const box = await districtBox(db);
  const inside = (w: NetworkWay) => !box || w.coordinates.some(([x, y]) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]);
  const walkableIn = extract.ways.filter((w) => w.walkable);
  if (walkableIn.length === 0) {
    throw new NetworkImportError(`${options.source}: the extract holds no walkable ways (${extract.ways.length} ways with a highway tag, none a pedestrian may use)`,
      `${options.source}：文件中没有可步行的道路（共 ${extract.ways.length} 条道路，均不可步行）`);
  }
  const ways = extract.ways.filter(inside);
  const walkable = ways.filter((w) => w.walkable);
  if (walkable.length === 0) {
    const b = box!.map((v) => v.toFixed(3)).join(', ');
    throw new NetworkImportError(`${options.source}: the extract lies outside the district (none of its ${walkableIn.length} walkable ways comes within ${DISTRICT_MARGIN_M} m of the district's streets, box ${b})`,
      `${options.source}：数据范围不在本区内（${walkableIn.length} 条可步行道路均不在本区街道 ${DISTRICT_MARGIN_M} 米范围内）`);
  }
  const inBox = (n: BaseNode) => !box || (n.lon >= box[0] && n.lon <= box[2] && n.lat >= box[1] && n.lat <= box[3]);
  const nodes = extract.nodes.filter(inBox);

  const beforeWays = await loadWalkingWays(db);
  const afterWays: WalkingWayInput[] = walkable.map((w, i) => ({
    id: i + 1, highway: w.highway, name: w.name, layer: w.layer, bridge: w.bridge, tunnel: w.tunnel,
    ...(w.foot ? { foot: w.foot } : {}), ...(w.access ? { access: w.access } : {}), coordinates: w.coordinates,
  }));
  const rows = (await listCorrections(db, {})).filter((r) => r.status !== 'retired');
  const all = rows.map(toNetworkCorrection);
  const published = rows.filter((r) => r.status === 'published').map(toNetworkCorrection);

  // Re-anchoring: every draft and published correction placed on the old and on the new base.
  const placeAll = (base: WalkingWayInput[]) => {
    const g = buildCorrectedGraph(base, all);
    return { ways: base, unplaced: new Set(g.overlay?.unplaced ?? []) };
  };
  const [was, now] = [placeAll(beforeWays), placeAll(afterWays)];
  const reanchored: number[] = [];
  const needsReview: ReviewNote[] = [];
  rows.forEach((r, i) => {
    const why = reviewReason(all[i], was, now);
    if (why) needsReview.push({ id: r.id, kind: r.kind, status: r.status, street_code: r.street_code, reason: why.en, reason_zh: why.zh });
    else reanchored.push(r.id);
  });

  // The live graph before and after (published corrections only), with the active points, for the board sites.
  const engineOn = (base: WalkingWayInput[], points: WalkingPoint[]) => {
    const e = new WalkingEngine<WalkingPoint>(buildCorrectedGraph(base, published), options.profiles, { maxSnapM: options.maxSnapM });
    e.points.setAll(points);
    return e;
  };
  const points = await loadActivePoints(db);
  const before = engineOn(beforeWays, points), after = engineOn(afterWays, points);
  const sites = (await db.selectFrom('board_sites').select(['id', 'name', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')])
    .where('status', '=', 'active').where('geom', 'is not', null).orderBy('id').execute())
    .map((s) => ({ id: s.id, name: s.name, lon: Number(s.lon), lat: Number(s.lat) }));
  const b = before.batchNearest(sites, { profile: REPORT_PROFILE, maxMinutes: 60 });
  const a = after.batchNearest(sites, { profile: REPORT_PROFILE, maxMinutes: 60 });
  const changes: SiteChange[] = [];
  sites.forEach((s, i) => {
    const cats = new Set([...Object.keys(b[i].nearest ?? {}), ...Object.keys(a[i].nearest ?? {})]);
    for (const cat of [...cats].sort()) {
      const x = b[i].nearest?.[cat]?.walk_min ?? null, y = a[i].nearest?.[cat]?.walk_min ?? null;
      if (x !== y) changes.push({ site_id: s.id, site_name: s.name, category_id: cat, before_min: x, after_min: y });
    }
  });

  const segBefore = segmentLengths(beforeWays), segAfter = segmentLengths(afterWays);
  const report: NetworkImportReport = {
    import_id: null,
    source: options.source,
    format: extract.format,
    dry_run: options.dryRun,
    at: new Date().toISOString(),
    ways: { before: beforeWays.length, after: walkable.length, dropped_outside: extract.ways.length - ways.length, not_walkable: ways.length - walkable.length },
    nodes: { barriers: nodes.filter((n) => n.barrier).length, crossings: nodes.filter((n) => n.crossing).length, barriers_with_hours: nodes.filter((n) => n.opening_hours).length },
    km: { before: sumKm(segBefore), after: sumKm(segAfter), added: sumKm(segAfter, segBefore), removed: sumKm(segBefore, segAfter) },
    components: { before: before.graph.report.components, after: after.graph.report.components },
    corrections: { checked: rows.length, reanchored, needs_review: needsReview },
    board_sites: { profile: REPORT_PROFILE, sites_checked: sites.length, sites_affected: new Set(changes.map((c) => c.site_id)).size, changes },
    ms: 0,
  };
  if (options.dryRun) return { ...report, ms: Math.round(performance.now() - started) };

  return db.transaction().execute(async (trx) => {
    if (options.inTransaction && !(await options.inTransaction.claim(trx))) throw new NetworkImportAlreadyDone();
    await replaceWays(trx, ways, { source: options.source, format: extract.format, ways: ways.length });
    await trx.deleteFrom('network_nodes').execute();
    for (let i = 0; i < nodes.length; i += 500) {
      await trx.insertInto('network_nodes').values(nodes.slice(i, i + 500).map((n) => ({
        source_ref: n.source_ref, barrier: n.barrier, crossing: n.crossing, opening_hours: n.opening_hours, wheelchair: n.wheelchair, access: n.access,
        geom: sql`ST_SetSRID(ST_MakePoint(${n.lon}, ${n.lat}), 4326)`,
      }))).execute();
    }
    const wasMarked = new Map(rows.map((r) => [r.id, r]));
    for (const note of needsReview) {
      await trx.updateTable('network_corrections').set({ needs_review: true, review_reason: note.reason, review_reason_zh: note.reason_zh, version: sql`version + 1`, updated_at: sql`now()` })
        .where('id', '=', note.id).execute();
      await recordAudit(trx, {
        staff: options.staff ?? null, username: options.staff ? undefined : 'network:import', action: 'needs_review', entity: 'network_correction', entity_id: note.id,
        street_code: note.street_code, before: { id: note.id, version: wasMarked.get(note.id)!.version }, after: { needs_review: true, reason: note.reason, reason_zh: note.reason_zh },
      });
    }
    if (reanchored.length) {
      await trx.updateTable('network_corrections').set({ needs_review: false, review_reason: null, review_reason_zh: null })
        .where('id', 'in', reanchored).where('needs_review', '=', true).execute();
    }
    const ms = Math.round(performance.now() - started);
    const { id } = await trx.insertInto('network_imports').values({ source_name: options.source, format: extract.format, report: JSON.stringify({ ...report, ms }) })
      .returning('id').executeTakeFirstOrThrow();
    const kept = { ...report, import_id: id, ms };
    await trx.updateTable('network_imports').set({ report: JSON.stringify(kept) }).where('id', '=', id).execute();
    await recordAudit(trx, {
      staff: options.staff ?? null, username: options.staff ? undefined : 'network:import', action: 'import', entity: 'network_import', entity_id: id,
      after: { source: kept.source, format: kept.format, ways: kept.ways, km: kept.km, corrections: { reanchored: reanchored.length, needs_review: needsReview.length } },
    });
    await options.inTransaction?.commit(trx, kept);
    return kept;
  });
}

/** The kept reports, newest first. */
export async function listNetworkImports(db: Kysely<Database>, limit = 20): Promise<NetworkImportReport[]> {
  const rows = await db.selectFrom('network_imports').select(['report']).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => (typeof r.report === 'string' ? JSON.parse(r.report) : r.report) as NetworkImportReport);
}

/** The report as the script prints it (one line per figure, English then Chinese). */
export function formatImportReport(r: NetworkImportReport): string {
  const lines = [
    `${r.dry_run ? 'DRY RUN (nothing written) 试运行（未写入）' : `network import #${r.import_id} 路网导入`}: ${r.source} (${r.format}), ${r.ms} ms`,
    `walkable ways 可步行道路: ${r.ways.before} → ${r.ways.after} (dropped outside the district 区外舍弃 ${r.ways.dropped_outside}, not walkable 不可步行 ${r.ways.not_walkable})`,
    `km 公里: ${r.km.before} → ${r.km.after}; added 新增 ${r.km.added} km, removed 删除 ${r.km.removed} km`,
    `connected components 连通分量: ${r.components.before} → ${r.components.after}`,
    `barriers 障碍/门 ${r.nodes.barriers} (with opening_hours 有开放时间 ${r.nodes.barriers_with_hours}), crossings 过街 ${r.nodes.crossings}`,
    `corrections 路网纠错: ${r.corrections.checked} checked 已检查, ${r.corrections.reanchored.length} re-anchored 已重新定位, ${r.corrections.needs_review.length} need review 需复核`,
    ...r.corrections.needs_review.map((n) => `  #${n.id} ${n.kind} (${n.status}, ${n.street_code}): ${n.reason} / ${n.reason_zh}`),
    `board sites 展板点位 (${r.board_sites.profile}): ${r.board_sites.sites_affected} of ${r.board_sites.sites_checked} change 变化`,
    ...r.board_sites.changes.map((c) => `  ${c.site_name} #${c.site_id} ${c.category_id}: ${c.before_min ?? '—'} → ${c.after_min ?? '—'} min`),
  ];
  return lines.join('\n');
}
