// The browser's view of the service's JSON API: typed fetches of the public routes the resident map
// and the phone page use. Everything is same-origin; errors carry the API's bilingual message.
export interface Category {
  id: string; name_zh: string; name_en: string; color: string; icon: string; dimension: string;
  target_minutes: Record<string, number>;
}
export interface Profile { id: string; name_zh: string; name_en: string; speed_mps: number }
export interface Catalog { categories: Category[]; profiles: Profile[] }

export interface PointProperties {
  id: number; name: string; category: string; category_name_zh: string; category_name_en: string;
  color: string; icon: string; subtype: string | null; address: string | null; phone: string | null;
  opening_hours: string | null; is_sample: boolean; sample_label?: string;
}
export interface PointFeature { type: 'Feature'; id: number; geometry: { type: 'Point'; coordinates: [number, number] }; properties: PointProperties }
export interface PointCollection { type: 'FeatureCollection'; features: PointFeature[]; contains_sample: boolean; sample_notice?: string; attribution: string }

export interface NearestItem {
  id: number; name: string; category_id: string; subtype: string | null; address: string | null; phone: string | null;
  opening_hours: string | null; is_sample: boolean; lon: number; lat: number;
  walk_s: number; walk_m: number; walk_min: number; straight_m: number;
}
export interface RingFeature { type: 'Feature'; properties: { minutes: number }; geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } }
export interface ReachAnswer {
  origin: { lon: number; lat: number; snap_lon: number; snap_lat: number; snap_distance_m: number; site?: { id: number; name: string; kind: string } };
  profile: Profile;
  minutes: number[];
  rings: { type: 'FeatureCollection'; features: RingFeature[] };
  nearest: Record<string, NearestItem[]>;
  contains_sample: boolean;
  sample_notice?: string;
  attribution: string;
}
export interface RouteAnswer {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  properties: { walk_s: number; walk_m: number; walk_min: number; straight_m: number; profile: string };
}
export interface SiteFeature {
  type: 'Feature'; id: number; geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    id: number; kind: 'service_center' | 'compound_gate'; name: string; street_name: string; community_name: string | null;
    compound_name: string | null; is_sample: boolean; sample_label?: string; mobile_url: string;
  };
}
export interface DeskVisit {
  id: number; status: 'scheduled' | 'cancelled'; cancel_reason: string | null;
  recurrence: { rule: string; zh: string; en: string } | null;
  /** Local date (the district time zone); `weekday` is ISO (1 = Monday). */
  date: string; weekday: number; weekday_zh: string; start_time: string; end_time: string;
  street_code: string; street_name: string;
  at_site: boolean; walk_min: number | null; walk_m: number | null;
  place: { kind: 'site' | 'gate' | 'point'; name: string; lon: number; lat: number };
  services: { id: string; name_zh: string; name_en: string }[]; partners: string[]; contact_phone: string | null;
  is_sample: boolean; note: string | null;
}
export interface UpcomingDesks { next: DeskVisit | null; visits: DeskVisit[]; within_minutes: number; ical_url: string | null }

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

export const api = {
  catalog: (signal?: AbortSignal) => getJson<Catalog>('/api/categories', signal),
  points: (signal?: AbortSignal) => getJson<PointCollection>('/api/points', signal),
  site: (id: number, signal?: AbortSignal) => getJson<SiteFeature>(`/api/sites/${id}`, signal),
  reachAt: (lon: number, lat: number, profile: string, perCategory = 3, signal?: AbortSignal) =>
    getJson<ReachAnswer>(`/api/reach?${query({ lon: lon.toFixed(6), lat: lat.toFixed(6), profile, per_category: perCategory })}`, signal),
  reachSite: (site: number, profile: string, perCategory = 50, signal?: AbortSignal) =>
    getJson<ReachAnswer>(`/api/reach?${query({ site, profile, per_category: perCategory })}`, signal),
  route: (from: [number, number], to: [number, number], profile: string, signal?: AbortSignal) =>
    getJson<RouteAnswer>(`/api/route?${query({ from: `${from[0].toFixed(6)},${from[1].toFixed(6)}`, to: `${to[0].toFixed(6)},${to[1].toFixed(6)}`, profile })}`, signal),
  /** Desk visits at a board site or within a 15-minute walk of it, the next `limit` of the coming `days`. */
  upcomingDesks: (site: number, profile: string, limit: number, days: number, signal?: AbortSignal) =>
    getJson<UpcomingDesks>(`/api/desks/upcoming?${query({ site, profile, limit, days })}`, signal),
  /** Desk visits within a 15-minute walk of a place, the next `limit` of the coming `days`. */
  upcomingDesksAt: (lon: number, lat: number, profile: string, limit: number, days: number, signal?: AbortSignal) =>
    getJson<UpcomingDesks>(`/api/desks/upcoming?${query({ lon: lon.toFixed(6), lat: lat.toFixed(6), profile, limit, days })}`, signal),
};
