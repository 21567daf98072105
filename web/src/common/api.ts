// The browser's view of the service's JSON API: typed fetches of the public routes the resident map
// and the phone page use. Everything is same-origin; errors carry the API's bilingual message.
// The answers' types are the server's own TypeBox schemas (type-only imports: nothing of the server is
// bundled), so a change of a response schema breaks this typecheck instead of drifting silently.
import type { Static } from 'typebox';
import type { CatalogResponse } from '../../../server/divisions/schemas.ts';
import type { PointCollection as PointCollectionSchema } from '../../../server/points/schemas.ts';
import type { NearestItem as NearestItemSchema, ReachResponse, RingFeature as RingFeatureSchema, RouteResponse } from '../../../server/network/schemas.ts';
import type { SiteFeature as SiteFeatureSchema } from '../../../server/sites/present.ts';
import type { UpcomingResponse, UpcomingVisit } from '../../../server/desks/schemas.ts';
import { unpackRings, type PackedRings } from '../../../server/network/packedRings.ts';

export type Catalog = Static<typeof CatalogResponse>;
export type Category = Catalog['categories'][number];
export type Profile = Catalog['profiles'][number];

export type PointCollection = Static<typeof PointCollectionSchema>;
export type PointFeature = PointCollection['features'][number];
export type PointProperties = PointFeature['properties'];

export type NearestItem = Static<typeof NearestItemSchema>;
export type RingFeature = Static<typeof RingFeatureSchema>;
type ReachWire = Static<typeof ReachResponse>;
export type RingCollection = Extract<ReachWire['rings'], { type: 'FeatureCollection' }>;
/** A reach answer as the pages use it: the rings as GeoJSON (they travel packed, see reach() below). */
export type ReachAnswer = Omit<ReachWire, 'rings'> & { rings: RingCollection };
export type RouteAnswer = Static<typeof RouteResponse>;
export type SiteFeature = Static<typeof SiteFeatureSchema>;
export type DeskVisit = Static<typeof UpcomingVisit>;
export type UpcomingDesks = Static<typeof UpcomingResponse>;

/** A GeoJSON position as the [lon, lat] pair MapLibre takes (the schema says two numbers; its type says number[]). */
export const lonLat = (position: number[]): [number, number] => [position[0], position[1]];

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly messageZh?: string, readonly field?: string) { super(message); }
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
});

/** GET a JSON answer. A busy service (503 with Retry-After) is asked again, twice at most, after the wait it names. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  for (let attempt = 0; res.status === 503 && attempt < 2; attempt++) {
    const wait = Math.min(10, Number(res.headers.get('retry-after')) || 2);
    await sleep(wait * 1000, signal);
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  }
  if (!res.ok) {
    let body: { message?: string; message_zh?: string; field?: string } = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body.message ?? res.statusText, body.message_zh, body.field);
  }
  return res.json() as Promise<T>;
}

const query = (params: Record<string, string | number | boolean | undefined>) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

/**
 * GET /api/reach with the rings packed (integer differences: a third of the bytes, and far less work for
 * the server to write and compress), unpacked here into the GeoJSON the map draws.
 */
async function reach(params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<ReachAnswer> {
  const answer = await getJson<ReachWire>(`/api/reach?${query({ ...params, rings: 'packed' })}`, signal);
  const rings = 'encoding' in answer.rings ? unpackRings(answer.rings as PackedRings) : answer.rings;
  return { ...answer, rings };
}

export const api = {
  catalog: (signal?: AbortSignal) => getJson<Catalog>('/api/categories', signal),
  points: (signal?: AbortSignal) => getJson<PointCollection>('/api/points', signal),
  site: (id: number, signal?: AbortSignal) => getJson<SiteFeature>(`/api/sites/${id}`, signal),
  /** `at`: the local time asked about (YYYY-MM-DDTHH:mm; see timeChoice.ts): gates shut then are not passed. */
  reachAt: (lon: number, lat: number, profile: string, perCategory = 3, signal?: AbortSignal, at?: string) =>
    reach({ lon: lon.toFixed(6), lat: lat.toFixed(6), profile, per_category: perCategory, at }, signal),
  reachSite: (site: number, profile: string, perCategory = 50, signal?: AbortSignal, at?: string) =>
    reach({ site, profile, per_category: perCategory, at }, signal),
  route: (from: [number, number], to: [number, number], profile: string, signal?: AbortSignal, at?: string) =>
    getJson<RouteAnswer>(`/api/route?${query({ from: `${from[0].toFixed(6)},${from[1].toFixed(6)}`, to: `${to[0].toFixed(6)},${to[1].toFixed(6)}`, profile, at })}`, signal),
  /** Desk visits at a board site or within a 15-minute walk of it, the next `limit` of the coming `days`. */
  upcomingDesks: (site: number, profile: string, limit: number, days: number, signal?: AbortSignal) =>
    getJson<UpcomingDesks>(`/api/desks/upcoming?${query({ site, profile, limit, days })}`, signal),
  /** Desk visits within a 15-minute walk of a place, the next `limit` of the coming `days`. */
  upcomingDesksAt: (lon: number, lat: number, profile: string, limit: number, days: number, signal?: AbortSignal) =>
    getJson<UpcomingDesks>(`/api/desks/upcoming?${query({ lon: lon.toFixed(6), lat: lat.toFixed(6), profile, limit, days })}`, signal),
};
