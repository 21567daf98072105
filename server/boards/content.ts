// What a board shows, independent of paper size and language: the site, the walking profile, the
// 5/10/15-minute rings and the legend rows (every point within 15 minutes, up to a limit per category).
// Its snapshot is what a print records; the content version is a hash of that snapshot, and the
// difference between two snapshots is what "needs reprint" reports.
import crypto from 'node:crypto';
import { geoArea } from 'd3-geo';
import type { MultiPolygon } from 'geojson';
import type { Catalog, WalkingProfile } from '../catalog.ts';
import type { RingCollection } from '../network/rings.ts';
import type { ServicePointRow } from '../points/repository.ts';
import type { BoardSiteRow } from '../sites/repository.ts';
import { toLocal } from '../localTime.ts';
import { boardTimeKey, DEFAULT_BOARD_TIME, type BoardTime } from './boardTime.ts';

/** The rings every board shows (minutes). */
export const BOARD_MINUTES = [5, 10, 15] as const;
export const BOARD_MAX_MINUTES = 15;
/**
 * At most this many points of one category are listed (the nearest by walking time). Eight keeps a
 * busy category from crowding out the others on an A1 sheet; the board says so in its footer and
 * names each category that had more, and the phone page behind the QR code lists them all.
 */
export const PER_CATEGORY_LIMIT = 8;

/** One walk from the board's site to a point, as the walking engine answers it. */
export interface WalkToPoint { id: number; walk_s: number; walk_m: number; walk_min: number; straight_m: number }

/** The walking engine's answer for a site: rings and, per category, the points within 15 minutes. */
export interface SiteReach {
  snapDistM: number;
  rings: RingCollection;
  /** Per category, nearest first, every point within BOARD_MAX_MINUTES. */
  within: Record<string, WalkToPoint[]>;
}

export interface BoardRow {
  number: number;
  point_id: number;
  name: string;
  category_id: string;
  /** Whole walking minutes, rounded up (a 6.2-minute walk is printed as 7). */
  minutes: number;
  walk_min: number;
  walk_m: number;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  lon: number;
  lat: number;
  is_sample: boolean;
}

export interface BoardSite {
  id: number;
  kind: BoardSiteRow['kind'];
  /** The name in the title: the compound's name for a gate, the site's own name for a service center. */
  title_name: string;
  /** The gate's own name ("正门") when the site is a compound gate. */
  gate_name: string | null;
  street_code: string;
  street_name: string;
  community_name: string | null;
  lon: number;
  lat: number;
  is_sample: boolean;
}

export interface BoardContent {
  site: BoardSite;
  profile: WalkingProfile;
  /** The time the walk is drawn for (gates and dated closures as they are then). */
  drawnFor: BoardTime;
  minutes: readonly number[];
  rings: RingCollection;
  rows: BoardRow[];
  /** Points within 15 minutes left out by PER_CATEGORY_LIMIT, per category. */
  omitted: Record<string, number>;
  perCategoryLimit: number;
  containsSample: boolean;
  /** YYYY-MM-DD (district local date) of the latest change to anything the board shows. */
  dataDate: string;
  mobileUrl: string;
  snapshot: BoardSnapshot;
  /** Hash of the snapshot: the content version printed on the board and recorded with each print. */
  version: string;
}

export interface SnapshotRow {
  id: number; number: number; name: string; category: string; minutes: number;
  address: string | null; phone: string | null; hours: string | null; lon: number; lat: number;
}
export interface BoardSnapshot {
  site: { id: number; title: string; gate: string | null; street: string; community: string | null; lon: number; lat: number };
  profile: string;
  /** "weekday 10:00" (boardTimeKey); absent in snapshots printed before boards stated their time. */
  drawn_for?: string;
  rings: { minutes: number; area_m2: number; digest: string }[];
  rows: SnapshotRow[];
  omitted: Record<string, number>;
  limit: number;
  sample: boolean;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const EARTH_R = 6_371_008.8;

export function boardSite(row: BoardSiteRow): BoardSite {
  const isGate = row.kind === 'compound_gate';
  return {
    id: row.id,
    kind: row.kind,
    title_name: isGate && row.compound_name ? row.compound_name : row.name,
    gate_name: isGate ? (row.compound_name && row.name.startsWith(row.compound_name) ? row.name.slice(row.compound_name.length) || row.name : row.name) : null,
    street_code: row.street_code,
    street_name: row.street_name,
    community_name: row.community_name,
    lon: row.lon,
    lat: row.lat,
    is_sample: row.is_sample,
  };
}

/** Keys sorted at every level, so a snapshot read back from jsonb hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentVersion(snapshot: BoardSnapshot): string {
  return crypto.createHash('sha256').update(canonicalJson(snapshot)).digest('hex').slice(0, 12);
}

function ringSummary(geometry: MultiPolygon, minutes: number) {
  // Rounded to 4 decimals (≈10 m): the ring as printed, not the grid noise beneath it.
  const rounded = geometry.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [round(x, 4), round(y, 4)])));
  const digest = crypto.createHash('sha256').update(JSON.stringify(rounded)).digest('hex').slice(0, 16);
  let area = 0;
  for (const poly of geometry.coordinates) {
    const a = geoArea({ type: 'Polygon', coordinates: poly });
    area += Math.min(a, 4 * Math.PI - a); // either winding
  }
  return { minutes, area_m2: Math.round((area * EARTH_R * EARTH_R) / 1000) * 1000, digest };
}

export interface ContentInput {
  site: BoardSiteRow;
  profile: WalkingProfile;
  reach: SiteReach;
  /** Current rows of the points the reach names (active ones; others are skipped). */
  points: Map<number, ServicePointRow>;
  catalog: Catalog;
  publicBaseUrl: string;
  perCategoryLimit?: number;
  drawnFor?: BoardTime;
}

export function buildBoardContent(input: ContentInput): BoardContent {
  const { catalog, reach, points } = input;
  const limit = input.perCategoryLimit ?? PER_CATEGORY_LIMIT;
  const site = boardSite(input.site);
  const drawnFor = input.drawnFor ?? DEFAULT_BOARD_TIME;
  const rows: BoardRow[] = [];
  const omitted: Record<string, number> = {};
  let latest = new Date(input.site.updated_at).getTime();
  // Categories in the catalog's order, then any category the engine knows that the catalog does not.
  const categoryOrder = [...catalog.categories.map((c) => c.id), ...Object.keys(reach.within).filter((c) => !catalog.categoryById.has(c))];
  for (const category of categoryOrder) {
    const walks = (reach.within[category] ?? [])
      .filter((w) => w.walk_s <= BOARD_MAX_MINUTES * 60 && points.get(w.id)?.status === 'active')
      .sort((a, b) => a.walk_s - b.walk_s || a.id - b.id);
    if (walks.length > limit) omitted[category] = walks.length - limit;
    for (const w of walks.slice(0, limit)) {
      const p = points.get(w.id)!;
      latest = Math.max(latest, new Date(p.updated_at).getTime());
      rows.push({
        number: rows.length + 1,
        point_id: p.id,
        name: p.name,
        category_id: p.category_id,
        minutes: Math.max(1, Math.ceil(w.walk_s / 60 - 1e-9)),
        walk_min: w.walk_min,
        walk_m: w.walk_m,
        address: p.address,
        phone: p.phone,
        opening_hours: p.opening_hours,
        lon: p.lon,
        lat: p.lat,
        is_sample: p.is_sample,
      });
    }
  }
  const containsSample = site.is_sample || rows.some((r) => r.is_sample);
  const snapshot: BoardSnapshot = {
    site: {
      id: site.id, title: site.title_name, gate: site.gate_name, street: site.street_name, community: site.community_name,
      lon: round(site.lon, 5), lat: round(site.lat, 5),
    },
    profile: input.profile.id,
    drawn_for: boardTimeKey(drawnFor),
    rings: reach.rings.features.map((f) => ringSummary(f.geometry, f.properties.minutes)),
    rows: rows.map((r) => ({
      id: r.point_id, number: r.number, name: r.name, category: r.category_id, minutes: r.minutes,
      address: r.address, phone: r.phone, hours: r.opening_hours, lon: round(r.lon, 5), lat: round(r.lat, 5),
    })),
    omitted,
    limit,
    sample: containsSample,
  };
  return {
    site,
    profile: input.profile,
    drawnFor,
    minutes: BOARD_MINUTES,
    rings: reach.rings,
    rows,
    omitted,
    perCategoryLimit: limit,
    containsSample,
    // The district's calendar day, not UTC's: a change at 01:30 Beijing time is dated that day.
    dataDate: toLocal(new Date(latest)).date,
    mobileUrl: `${input.publicBaseUrl}/m/site/${site.id}`,
    snapshot,
    version: contentVersion(snapshot),
  };
}

/**
 * The address in a board's QR code: the phone page with the board's walking profile, language and
 * content version, so that the phone opens as the board was printed and can say what changed since.
 */
export function boardQrUrl(content: Pick<BoardContent, 'mobileUrl' | 'profile' | 'version'>, lang: 'zh' | 'en'): string {
  // The defaults (standard walk, Chinese) are left out: a shorter address is a coarser, easier-to-scan code.
  const q = [content.profile.id !== 'standard' ? `profile=${content.profile.id}` : '', lang !== 'zh' ? `lang=${lang}` : '', `v=${content.version}`];
  return `${content.mobileUrl}?${q.filter(Boolean).join('&')}`;
}

// ---- what changed between a printed board and the current one ---------------------------------

export interface PointRef { id: number; name: string; category: string; minutes: number }
export interface BoardChanges {
  added: PointRef[];
  removed: PointRef[];
  moved: { id: number; name: string; moved_m: number; from_minutes: number; to_minutes: number }[];
  renamed: { id: number; from: string; to: string }[];
  /** Other printed details changed (address, phone, opening hours, category). */
  updated: { id: number; name: string; fields: string[] }[];
  /** Rings whose printed outline changed (minutes). */
  rings: number[];
  /** The title, street or community line changed. */
  title: boolean;
  /** The per-category "more not listed" notes changed. */
  omitted: boolean;
  sample: boolean;
}

function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.sqrt(x * x + y * y) * EARTH_R;
}

/** A point counts as moved when it is more than this far from where it was printed. */
export const MOVED_THRESHOLD_M = 10;

export function diffSnapshots(printed: BoardSnapshot, current: BoardSnapshot): BoardChanges {
  const before = new Map(printed.rows.map((r) => [r.id, r]));
  const after = new Map(current.rows.map((r) => [r.id, r]));
  const ref = (r: SnapshotRow): PointRef => ({ id: r.id, name: r.name, category: r.category, minutes: r.minutes });
  const changes: BoardChanges = {
    added: current.rows.filter((r) => !before.has(r.id)).map(ref),
    removed: printed.rows.filter((r) => !after.has(r.id)).map(ref),
    moved: [], renamed: [], updated: [], rings: [],
    title: printed.site.title !== current.site.title || printed.site.gate !== current.site.gate
      || printed.site.street !== current.site.street || printed.site.community !== current.site.community,
    omitted: canonicalJson(printed.omitted) !== canonicalJson(current.omitted),
    sample: printed.sample !== current.sample,
  };
  for (const now of current.rows) {
    const was = before.get(now.id);
    if (!was) continue;
    const movedM = metresBetween(was, now);
    if (movedM > MOVED_THRESHOLD_M || was.minutes !== now.minutes) {
      changes.moved.push({ id: now.id, name: now.name, moved_m: Math.round(movedM), from_minutes: was.minutes, to_minutes: now.minutes });
    }
    if (was.name !== now.name) changes.renamed.push({ id: now.id, from: was.name, to: now.name });
    const fields = (['address', 'phone', 'hours', 'category'] as const).filter((f) => was[f] !== now[f]);
    if (fields.length) changes.updated.push({ id: now.id, name: now.name, fields: fields.map((f) => (f === 'hours' ? 'opening_hours' : f)) });
  }
  const ringsBefore = new Map(printed.rings.map((r) => [r.minutes, r.digest]));
  for (const r of current.rings) if (ringsBefore.get(r.minutes) !== r.digest) changes.rings.push(r.minutes);
  for (const [m] of ringsBefore) if (!current.rings.some((r) => r.minutes === m)) changes.rings.push(m);
  return changes;
}

export function hasChanges(c: BoardChanges): boolean {
  return c.added.length + c.removed.length + c.moved.length + c.renamed.length + c.updated.length + c.rings.length > 0
    || c.title || c.omitted || c.sample;
}
