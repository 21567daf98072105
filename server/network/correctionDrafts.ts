// A correction's draft as every writer makes it: the checks that the geometry fits its kind, lies in its
// street and meets the network (the correction routes and a resident's report turned into a draft both
// use them), how a correction is presented and audited, and the draft a report's place suggests.
import { kinks } from '@turf/turf';
import { badRequest } from '../http/errors.ts';
import { metresOutside } from '../records/placement.ts';
import { CLOSURE_MATCH_M, CROSSING_SNAP_M, GATE_SNAP_M, PATH_JOIN_M, nearestCrossingJunctionM, openingHoursProblem } from './corrections.ts';
import type { CorrectionAttributes, CorrectionDraft, CorrectionRow } from './correctionsRepository.ts';
import type { WalkingEngine } from './walkingEngine.ts';
import type { WalkingPoint } from './repository.ts';
import type { LonLat } from '../geo.ts';
import { haversineM } from '../geo.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const ENTITY = 'network_correction';

export type Input = Record<string, unknown>;

export function presentCorrection(r: CorrectionRow) {
  return {
    id: r.id, street_code: r.street_code, kind: r.kind, status: r.status, geometry: r.geometry,
    attributes: r.attributes as Record<string, unknown>, note: r.note, version: r.version,
    needs_review: r.needs_review, review_reason: r.review_reason, review_reason_zh: r.review_reason_zh,
    created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString(),
  };
}
export const snapshot = (r: CorrectionRow) => ({ ...presentCorrection(r), created_at: undefined, updated_at: undefined });

const attributeKeys: Record<CorrectionRow['kind'], (keyof CorrectionAttributes)[]> = {
  path: ['level', 'steps'],
  closure: ['step_free_only', 'valid_from', 'valid_to'],
  gate: ['opening_hours', 'step_free'],
  crossing: ['crossing', 'wait_s'],
};

/** The checks every write runs: the geometry fits its kind, lies in its street and meets the network. */
export function prepare(input: Input, engine: WalkingEngine<WalkingPoint>, streetArea: Parameters<typeof metresOutside>[0] | undefined, toleranceM: number): CorrectionDraft {
  const kind = input.kind as CorrectionRow['kind'];
  const geometry = input.geometry as CorrectionRow['geometry'];
  const line = kind === 'path' || kind === 'closure';
  if (line && geometry.type !== 'LineString') throw badRequest('geometry', `a ${kind} is a LineString`, `geometry：${kind === 'path' ? '路径' : '封闭路段'}应为折线`);
  if (!line && geometry.type !== 'Point') throw badRequest('geometry', `a ${kind} is a Point`, `geometry：${kind === 'gate' ? '门禁' : '过街设施'}应为点`);
  const coords: LonLat[] = geometry.type === 'Point' ? [geometry.coordinates as LonLat] : geometry.coordinates as LonLat[];
  if (coords.some(([lon, lat]) => !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)) {
    throw badRequest('geometry', 'coordinates must be WGS84 lon, lat', 'geometry：坐标无效');
  }
  if (geometry.type === 'LineString') {
    for (let i = 1; i < coords.length; i++) {
      if (haversineM(coords[i - 1][0], coords[i - 1][1], coords[i][0], coords[i][1]) < 0.5) {
        throw badRequest('geometry', `vertices ${i - 1} and ${i} are the same place`, 'geometry：折线有重复的点');
      }
    }
    if (kinks({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }).features.length > 0) {
      throw badRequest('geometry', 'the line crosses itself', 'geometry：折线自相交');
    }
  }
  if (streetArea) {
    const outside = coords.findIndex(([lon, lat]) => metresOutside(streetArea, lon, lat) > toleranceM);
    if (outside >= 0) {
      throw badRequest('geometry', `vertex ${outside} lies outside street ${streetArea.name} (${streetArea.code})`, `geometry：第 ${outside + 1} 个点不在${streetArea.name}范围内`);
    }
  }
  const attributes: CorrectionAttributes = {};
  for (const k of attributeKeys[kind]) if (input[k] !== undefined) (attributes as Record<string, unknown>)[k] = input[k];
  const standard = engine.costs('standard');
  const onNetwork = (c: LonLat, within: number) => {
    const s = engine.snapper.snap(c[0], c[1], standard, within);
    return s.ok;
  };
  if (kind === 'path') {
    attributes.level ??= 'ground';
    attributes.steps ??= false;
    if (!onNetwork(coords[0], PATH_JOIN_M) && !onNetwork(coords[coords.length - 1], PATH_JOIN_M)) {
      throw badRequest('geometry', `neither end of the path is within ${PATH_JOIN_M} m of a walkable way: draw it from the street`,
        `geometry：路径两端都不在可步行道路 ${PATH_JOIN_M} 米以内，请从道路上开始绘制`);
    }
  } else if (kind === 'closure') {
    attributes.step_free_only ??= false;
    for (const k of ['valid_from', 'valid_to'] as const) {
      const v = attributes[k];
      if (v != null && (!DATE.test(v) || Number.isNaN(Date.parse(v)))) throw badRequest(k, 'must be a date YYYY-MM-DD', `${k}：日期格式应为 YYYY-MM-DD`);
    }
    if (attributes.valid_from && attributes.valid_to && attributes.valid_from > attributes.valid_to) {
      throw badRequest('valid_to', 'is before valid_from', 'valid_to：结束日期早于开始日期');
    }
    if (!onNetwork(coords[0], CLOSURE_MATCH_M) || !onNetwork(coords[coords.length - 1], CLOSURE_MATCH_M)) {
      throw badRequest('geometry', `a closure follows a way: both ends must be within ${CLOSURE_MATCH_M} m of one`, `geometry：封闭路段应沿道路绘制，两端须在道路 ${CLOSURE_MATCH_M} 米以内`);
    }
  } else if (kind === 'gate') {
    attributes.step_free ??= true;
    const hours = attributes.opening_hours?.trim() || null;
    if (hours) {
      const problem = openingHoursProblem(hours);
      if (problem) {
        throw badRequest('opening_hours', `does not parse as OpenStreetMap opening_hours (e.g. "Mo-Su 06:00-22:00"): ${problem}`,
          'opening_hours：格式不正确，请使用 OSM opening_hours 写法（例如 “Mo-Su 06:00-22:00”）');
      }
    }
    attributes.opening_hours = hours;
    if (!onNetwork(coords[0], GATE_SNAP_M)) {
      throw badRequest('geometry', `a gate stands on a way or path: no walkable way within ${GATE_SNAP_M} m`, `geometry：门禁应位于道路上（${GATE_SNAP_M} 米内没有可步行道路）`);
    }
  } else {
    if (!attributes.crossing) throw badRequest('crossing', 'is required: signalised, zebra or none', 'crossing：必填（信号灯、斑马线或无过街）');
    if (attributes.crossing === 'signalised' && attributes.wait_s == null) throw badRequest('wait_s', 'a signalised crossing needs its mean wait in seconds', 'wait_s：信号灯过街须填写平均等待秒数');
    if (attributes.crossing !== 'signalised') attributes.wait_s = null;
    if (nearestCrossingJunctionM(engine.graph, coords[0][0], coords[0][1]) === null) {
      throw badRequest('geometry', `a crossing stands where a way meets a trunk, primary or secondary road at grade: no such junction within ${CROSSING_SNAP_M} m`,
        `geometry：过街设施应位于与主干道或次干道平面相交的路口（${CROSSING_SNAP_M} 米内没有这样的路口）`);
    }
  }
  const note = typeof input.note === 'string' ? input.note.trim() || null : null;
  return { street_code: input.street_code as string, kind, geometry: { type: geometry.type, coordinates: geometry.coordinates } as CorrectionRow['geometry'], attributes, note };
}

export const inputOf = (r: CorrectionRow): Input => ({ street_code: r.street_code, kind: r.kind, geometry: r.geometry, note: r.note, ...r.attributes });


/** How far from a reported place the nearest way may be for a suggested draft (a compound's interior). */
const SUGGEST_WITHIN_M = 800;
/** Half the length of the stretch a 此路不通 report closes, either side of the reported place. */
const CLOSURE_HALF_M = 15;

/**
 * The draft a resident's report suggests at its place: for 这里有路 a path from the nearest walkable way
 * to the place; for 此路不通 a closure of the way at the place (about 30 m of it). Staff then adjust it
 * in the 路网 tab; it is checked like any drawing when it is written.
 */
export function suggestedDraft(engine: WalkingEngine<WalkingPoint>, kind: 'path' | 'closure', lon: number, lat: number): Input {
  const snap = engine.snapper.snap(lon, lat, engine.costs('standard'), SUGGEST_WITHIN_M);
  if (!snap.ok) {
    throw badRequest('place', `no walkable way within ${SUGGEST_WITHIN_M} m of the reported place: draw the correction in the network tab`,
      `place：反馈地点 ${SUGGEST_WITHIN_M} 米内没有可步行道路，请在“路网”页手动绘制`);
  }
  if (kind === 'path') {
    if (snap.snapDistM < 3) {
      throw badRequest('place', 'the reported place is already on a walkable way: draw the missing passage in the network tab',
        'place：反馈地点已在可步行道路上，请在“路网”页绘制缺少的通道');
    }
    return { kind: 'path', geometry: { type: 'LineString', coordinates: [[snap.snapLon, snap.snapLat], [lon, lat]] } };
  }
  const g = engine.graph;
  const a = g.edgeFrom[snap.edge], b = g.edgeTo[snap.edge];
  const length = g.edgeLengthM[snap.edge];
  const at = snap.t * length;
  const from = Math.max(0, at - CLOSURE_HALF_M) / (length || 1), to = Math.min(length, at + CLOSURE_HALF_M) / (length || 1);
  const point = (f: number): LonLat => [g.nodeLon[a] + f * (g.nodeLon[b] - g.nodeLon[a]), g.nodeLat[a] + f * (g.nodeLat[b] - g.nodeLat[a])];
  return { kind: 'closure', geometry: { type: 'LineString', coordinates: [point(from), point(to)] } };
}
