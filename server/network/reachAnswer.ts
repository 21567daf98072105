// The body of a GET /api/reach answer, built from the engine's reach and serialized: one function the
// route's main thread and the reach workers (reachWorker.ts) both call, so an answer is byte for byte the
// same whichever thread computed it. Pure: an engine and a question in, JSON bytes out.
import type { Static } from 'typebox';
import { ODBL_ATTRIBUTION, SAMPLE_NOTICE } from '../http/geojson.ts';
import { BROTLI_FAST_OPTIONS, BROTLI_OPTIONS, compressAnswer, type AnswerEncoding } from '../http/compression.ts';
import type { LonLat } from '../geo.ts';
import { isOpenAt, nextOpening, type DistrictTime } from './corrections.ts';
import type { WalkingPoint } from './repository.ts';
import type { NearestItem, ReachResponse } from './schemas.ts';
import type { WalkingEngine } from './walkingEngine.ts';
import type { RingFormat } from './rings.ts';

/** A reach question as the route has checked it (plain data: it crosses to a worker thread). */
export interface ReachQuestion {
  place: LonLat;
  /** The board site asked for (its place is `place`). */
  site?: { id: number; name: string; kind: string };
  profile: string;
  minutes: number[];
  perCategory: number;
  categories?: string[];
  withRoutes: boolean;
  at?: DistrictTime;
  /** How the rings are written (absent: GeoJSON). */
  ringFormat?: RingFormat;
}

/** The answer's JSON text. Throws the engine's OutsideNetworkError for a place off the network. */
export function reachAnswerJson(engine: WalkingEngine<WalkingPoint>, q: ReachQuestion): string {
  const { place, site, at } = q;
  const answer = engine.reach(place, { profile: q.profile, minutes: q.minutes, perCategory: q.perCategory, categories: q.categories, withRoutes: q.withRoutes, at, ringFormat: q.ringFormat });
  let anySample = false;
  const nearest: Record<string, Static<typeof NearestItem>[]> = {};
  for (const [category, list] of Object.entries(answer.nearest)) {
    nearest[category] = list.map((n) => {
      anySample ||= n.point.is_sample;
      return {
        id: n.point.id, name: n.point.name, category_id: n.point.category_id, subtype: n.point.subtype,
        address: n.point.address, phone: n.point.phone, opening_hours: n.point.opening_hours,
        is_sample: n.point.is_sample, ...(n.point.is_sample ? { sample_label: '示例' } : {}),
        lon: n.point.lon, lat: n.point.lat,
        walk_s: n.walk_s, walk_m: n.walk_m, walk_min: n.walk_min, straight_m: n.straight_m,
        ...(at ? { open_at: isOpenAt(n.point.opening_hours, at), next_open: nextOpening(n.point.opening_hours, at) } : {}),
        ...(n.route ? { route: { type: 'Feature' as const, properties: {}, geometry: n.route.geometry } } : {}),
      };
    });
  }
  const p = answer.profile;
  const body: Static<typeof ReachResponse> = {
    origin: {
      lon: place[0], lat: place[1], snap_lon: answer.origin.snapLon, snap_lat: answer.origin.snapLat,
      snap_distance_m: Math.round(answer.origin.snapDistM * 10) / 10, ...(site ? { site } : {}),
    },
    profile: { id: p.id, name_zh: p.name_zh, name_en: p.name_en, speed_mps: p.speed_mps },
    minutes: q.minutes,
    rings: answer.rings,
    nearest,
    contains_sample: anySample,
    ...(anySample ? { sample_notice: `${SAMPLE_NOTICE.zh} ${SAMPLE_NOTICE.en}` } : {}),
    attribution: ODBL_ATTRIBUTION,
  };
  // The body is built field by field to the response schema (the type checks it); V8's own
  // JSON.stringify writes its thousands of ring coordinates several times faster than the schema
  // serializer, which checks every number.
  return JSON.stringify(body);
}

/**
 * The answer's bytes, and compressed for `encoding` when one applies. Packed rings go out at brotli 3
 * (small already, and computed fresh for every tap); GeoJSON ones as the compression plugin would.
 */
export function reachAnswerBytes(engine: WalkingEngine<WalkingPoint>, q: ReachQuestion, encoding: AnswerEncoding | null): { json: Buffer; compressed: Buffer | null } {
  const json = Buffer.from(reachAnswerJson(engine, q));
  const compressed = encoding ? compressAnswer(json, encoding, q.ringFormat === 'packed' ? BROTLI_FAST_OPTIONS : BROTLI_OPTIONS) : null;
  return { json, compressed };
}
