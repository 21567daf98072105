// The one rule for where a record may stand: inside (or within a tolerance of) its street's area, and of
// its community's if one is picked; otherwise the community comes from the position. Official areas
// refuse (403 for an editor leaving their street, 400 for a street or community that disagrees with the
// position); approximate ones ask for confirmation (422) until the write carries confirm_outside_area,
// except beyond a wide margin (default 500 m), where even an approximate line leaves no doubt.
// Pure TypeScript with no Node imports: the /admin form runs the same rule before saving.
import { ringContains } from '../geo.ts';

export type AreaSource = 'approximate' | 'official';
export interface AreaShape {
  code: string; level: 'street' | 'community'; street_code: string; source: AreaSource; name: string;
  polygons: [number, number][][][];
}

const M_PER_DEG_LAT = 111_320;

/** Metres from the point to the area (0 inside), on a local flat projection (good to a few cm here). */
export function metresOutside(area: AreaShape, lon: number, lat: number): number {
  const inside = area.polygons.some(([outer, ...holes]) => ringContains(outer, lon, lat) && !holes.some((h) => ringContains(h, lon, lat)));
  if (inside) return 0;
  const kx = M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (const polygon of area.polygons) for (const ring of polygon) {
    for (let i = 1; i < ring.length; i++) {
      const ax = (ring[i - 1][0] - lon) * kx, ay = (ring[i - 1][1] - lat) * M_PER_DEG_LAT;
      const bx = (ring[i][0] - lon) * kx, by = (ring[i][1] - lat) * M_PER_DEG_LAT;
      const dx = bx - ax, dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

export class AreaIndex {
  readonly streets = new Map<string, AreaShape>();
  readonly communities = new Map<string, AreaShape>();
  /**
   * @param toleranceM how far outside an area a record may lie without comment
   * @param approximateMarginM beyond this, an approximate area refuses like an official one
   */
  constructor(areas: AreaShape[], readonly toleranceM: number, readonly approximateMarginM: number) {
    for (const a of areas) (a.level === 'street' ? this.streets : this.communities).set(a.code, a);
  }

  /** The area containing the point, or failing that the nearest within the tolerance. */
  private at(areas: Iterable<AreaShape>, lon: number, lat: number): AreaShape | undefined {
    let best: AreaShape | undefined;
    let bestD = Infinity;
    for (const a of areas) {
      const d = metresOutside(a, lon, lat);
      if (d === 0) return a;
      if (d <= this.toleranceM && d < bestD) { best = a; bestD = d; }
    }
    return best;
  }

  streetAt(lon: number, lat: number): AreaShape | undefined { return this.at(this.streets.values(), lon, lat); }

  communityAt(lon: number, lat: number, streetCode: string): AreaShape | undefined {
    return this.at([...this.communities.values()].filter((c) => c.street_code === streetCode), lon, lat);
  }
}

export interface PlacementInput {
  lon: number; lat: number; street_code: string;
  /** Undefined when the record has no community field (a gate); null when none is given. */
  community_code: string | null | undefined;
  /** The editor chose the community; otherwise it is set from the position. */
  community_picked: boolean;
}
export interface Actor { role: 'admin' | 'editor' | 'viewer'; street_code: string | null }

export interface PlacementProblem {
  statusCode: 400 | 403 | 422; field: string; message: string; message_zh: string;
  /** 422 only: the write passes when repeated with confirm_outside_area: true. */
  needs_confirmation: boolean;
  distance_m: number; area_source: AreaSource; street_at: string | null; street_at_name: string | null;
}
export type PlacementVerdict =
  | { ok: true; community_code: string | null; warnings: PlacementProblem[] }
  | { ok: false; problem: PlacementProblem };

export const CONFIRM_FIELD = 'confirm_outside_area';

/** The names a problem gives the position, street and community fields (a desk visit says place.lon). */
export interface PlacementFields { lon: string; street_code: string; community_code: string }
export const RECORD_FIELDS: PlacementFields = { lon: 'lon', street_code: 'street_code', community_code: 'community_code' };

/**
 * Judges a position against the areas. `confirmed` accepts what only approximate areas object to (the
 * answer's `warnings` still say what was accepted).
 */
export function judgePlacement(index: AreaIndex, actor: Actor, input: PlacementInput, confirmed: boolean, fields: PlacementFields = RECORD_FIELDS): PlacementVerdict {
  const warnings: PlacementProblem[] = [];
  const { lon, lat } = input;
  const street = index.streets.get(input.street_code);
  if (street) {
    const d = metresOutside(street, lon, lat);
    if (d > index.toleranceM) {
      const at = index.streetAt(lon, lat);
      const editor = actor.role !== 'admin';
      const field = editor ? fields.lon : fields.street_code;
      const where = at ? `lies in ${at.code} ${at.name}` : 'lies in no street area';
      const whereZh = at ? `位于${at.name}` : '不在任何街道范围内';
      const metres = Math.round(d);
      const official = street.source === 'official' || d > index.approximateMarginM;
      const base = { distance_m: metres, area_source: street.source, street_at: at?.code ?? null, street_at_name: at?.name ?? null };
      const kind = street.source === 'official' ? 'official boundary' : 'approximate boundary';
      const kindZh = street.source === 'official' ? '正式边界' : '近似边界';
      let problem: PlacementProblem;
      if (official && editor) {
        problem = { ...base, statusCode: 403, field, needs_confirmation: false,
          message: `${field}: the position ${lon}, ${lat} ${where}, ${metres} m outside the ${kind} of ${street.name}; an editor may place records only inside their own street`,
          message_zh: `位置（${lon}, ${lat}）${whereZh}，超出${street.name}${kindZh} ${metres} 米；街道编辑只能在本街道范围内放置记录` };
      } else if (official) {
        problem = { ...base, statusCode: 400, field, needs_confirmation: false,
          message: `${field}: ${street.name} does not match the position, which ${where} (${metres} m outside the ${kind})`,
          message_zh: `所选街道${street.name}与位置不符：该位置${whereZh}（超出${kindZh} ${metres} 米）` };
      } else {
        problem = { ...base, statusCode: 422, field, needs_confirmation: true,
          message: `${field}: the position ${where}, ${metres} m outside the approximate area of ${street.name}; boundaries are approximate, so send ${CONFIRM_FIELD}: true if it really belongs to ${street.name}`,
          message_zh: `位置${whereZh}，超出${street.name}近似边界 ${metres} 米。边界为近似推算，如确属${street.name}，请勾选确认后保存` };
      }
      if (problem.statusCode !== 422 || !confirmed) return { ok: false, problem };
      warnings.push(problem);
    }
  }
  if (input.community_code === undefined) return { ok: true, community_code: null, warnings };
  if (input.community_picked && input.community_code) {
    const community = index.communities.get(input.community_code);
    const d = community ? metresOutside(community, lon, lat) : 0;
    if (community && d > index.toleranceM) {
      const at = index.communityAt(lon, lat, input.street_code);
      const field = fields.community_code;
      const metres = Math.round(d);
      const where = at ? `lies in ${at.name}` : `lies in no community of the street`;
      const whereZh = at ? `位于${at.name}` : '不在本街道任何社区范围内';
      const base = { distance_m: metres, area_source: community.source, street_at: null, street_at_name: null };
      const problem: PlacementProblem = community.source === 'official' || d > index.approximateMarginM
        ? { ...base, statusCode: 400, field, needs_confirmation: false,
            message: `${field}: ${community.name} does not match the position, which ${where} (${metres} m outside its ${community.source === 'official' ? 'official' : 'approximate'} boundary)`,
            message_zh: `所选社区${community.name}与位置不符：该位置${whereZh}（超出${community.source === 'official' ? '正式' : '近似'}边界 ${metres} 米）` }
        : { ...base, statusCode: 422, field, needs_confirmation: true,
            message: `${field}: the position ${where}, ${metres} m outside the approximate area of ${community.name}; send ${CONFIRM_FIELD}: true to keep it`,
            message_zh: `位置${whereZh}，超出${community.name}近似边界 ${metres} 米。如确属该社区，请勾选确认后保存` };
      if (problem.statusCode !== 422 || !confirmed) return { ok: false, problem };
      warnings.push(problem);
    }
    return { ok: true, community_code: input.community_code, warnings };
  }
  return { ok: true, community_code: index.communityAt(lon, lat, input.street_code)?.code ?? null, warnings };
}
