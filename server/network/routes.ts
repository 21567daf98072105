// Walking routes: /api/reach (rings + nearest points per category from a place or a board site) and
// /api/route (the walk between two places). Thin: parse, ask app.walking, present. Answers for the
// same question are cached until any data changes (a board's QR code asks the same thing all day).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponse, ODBL_ATTRIBUTION, SAMPLE_NOTICE } from '../http/geojson.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { getSite } from '../sites/repository.ts';
import { OutsideNetworkError, type ReachAnswer } from './walkingEngine.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import type { WalkingPoint } from './repository.ts';
import { NearestItem, ReachQuery, ReachResponse, RouteQuery, RouteResponse, WalkingStatusResponse } from './schemas.ts';
import type { Static } from 'typebox';
import { outsideNetwork } from './httpErrors.ts';
import type { LonLat } from '../geo.ts';
import { isOpenAt, nextOpening, parseDistrictTime, type DistrictTime } from './corrections.ts';
import { localTimeZone } from '../localTime.ts';

const MAX_RINGS = 6;

interface CachedAnswer {
  stamp: string;
  bytes: Buffer;
  compressed?: { accept: string; encoding: string; bytes: Buffer };
}

/** What decides the compressor's choice for a request: its accept-encoding and x-no-compression. */
const acceptKey = (request: FastifyRequest) =>
  `${request.headers['accept-encoding'] ?? ''}|${request.headers['x-no-compression'] !== undefined}`;
const CACHE_SIZE = 2000;

function parseMinutes(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const minutes = parts.map(Number);
  if (parts.length > MAX_RINGS || minutes.some((m) => !Number.isInteger(m) || m < 1 || m > 60)) {
    throw badRequest('minutes', `must be up to ${MAX_RINGS} whole minutes between 1 and 60, comma separated (got "${value}")`, 'minutes：应为 1–60 之间的整数分钟，用逗号分隔');
  }
  return [...new Set(minutes)].sort((a, b) => a - b);
}

function parseAt(value: string | undefined): DistrictTime | undefined {
  if (value === undefined) return undefined;
  const at = parseDistrictTime(value);
  if (!at) throw badRequest('at', `must be a local date-time YYYY-MM-DDTHH:mm in ${localTimeZone()} (got "${value}")`, `at：时间格式应为 YYYY-MM-DDTHH:mm（当地时间，${localTimeZone()}）`);
  return at;
}

function parseLonLat(value: string, field: string): LonLat {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v)) || Math.abs(parts[0]) > 180 || Math.abs(parts[1]) > 90) {
    throw badRequest(field, `must be "lon,lat" in WGS84 degrees (got "${value}")`, `${field}：应为 "经度,纬度"`);
  }
  return [parts[0], parts[1]];
}

export const walkingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Cached as the serialized bytes, plus the compressed bytes @fastify/compress made of them for the
  // last accept-encoding seen: a repeated question costs neither the engine, the serializer nor the
  // compressor.
  const cache = new Map<string, CachedAnswer>();
  // Runs after the compressor's onSend (see the onRoute hook below): keeps what it produced.
  const keepCompressed = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    const entry = cachedFor.get(request);
    const encoding = reply.getHeader('content-encoding');
    if (entry && reply.statusCode === 200 && typeof encoding === 'string' && encoding !== 'identity' && Buffer.isBuffer(payload)) {
      entry.compressed = { accept: acceptKey(request), encoding, bytes: payload };
    }
    done(null, payload);
  };
  const cachedFor = new WeakMap<FastifyRequest, CachedAnswer>();
  app.addHook('onRoute', (route) => {
    if (route.url !== '/api/reach') return;
    route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), keepCompressed as never];
  });
  const sendCached = (request: FastifyRequest, reply: FastifyReply, entry: CachedAnswer) => {
    reply.type('application/json; charset=utf-8');
    const z = entry.compressed;
    if (z && z.accept === acceptKey(request)) {
      return reply.header('vary', 'accept-encoding').header('content-encoding', z.encoding).send(z.bytes as never);
    }
    cachedFor.set(request, entry);
    return reply.send(entry.bytes as never);
  };

  app.get('/api/reach', {
    schema: {
      tags: ['walking'],
      summary: 'What is within walking reach of a place or board site: rings and the nearest points of each category',
      querystring: ReachQuery,
      response: { 200: ReachResponse, 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse },
    },
  }, async (request, reply) => {
    const q = request.query;
    const profile = q.profile ?? DEFAULT_PROFILE;
    const minutes = parseMinutes(q.minutes ?? '5,10,15');
    const at = parseAt(q.at);
    const categories = q.categories?.split(',').map((c) => c.trim());
    for (const c of categories ?? []) {
      if (!app.catalog.categoryById.has(c)) throw badRequest('categories', `unknown category "${c}"`, `categories：未知类别 ${c}`);
    }
    if (q.site !== undefined && (q.lon !== undefined || q.lat !== undefined)) {
      throw badRequest('site', 'give either site or lon and lat, not both', 'site：请只提供站点或经纬度之一');
    }
    if (q.site === undefined) {
      if (q.lon === undefined) throw badRequest('lon', 'is required (or give site)', 'lon：必填（或提供 site）');
      if (q.lat === undefined) throw badRequest('lat', 'is required (or give site)', 'lat：必填（或提供 site）');
    }

    const engine = await app.walking.engine();
    const stamp = `${app.dataEvents.currentRevision}:${engine.points.version}:${app.walking.graphVersion}`;
    const key = JSON.stringify([q.site ?? [q.lon, q.lat], profile, minutes, q.per_category ?? 3, categories ?? null, q.routes ?? false, q.at ?? null]);
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) {
      cache.delete(key);
      cache.set(key, hit);
      return sendCached(request, reply, hit); // the bytes serialized (and compressed) when it was computed
    }

    let place: LonLat;
    let site: { id: number; name: string; kind: string } | undefined;
    if (q.site !== undefined) {
      const row = await getSite(app.db, q.site);
      if (!row || row.status !== 'active') throw notFound(`site ${q.site}`, `站点 ${q.site} 不存在或已停用`);
      place = [row.lon, row.lat];
      site = { id: row.id, name: row.name, kind: row.kind };
    } else {
      place = [q.lon!, q.lat!];
    }

    let answer: ReachAnswer<WalkingPoint>;
    try {
      answer = engine.reach(place, { profile, minutes, perCategory: q.per_category ?? 3, categories, withRoutes: q.routes ?? false, at });
    } catch (e) {
      if (e instanceof OutsideNetworkError) throw outsideNetwork(e, site ? 'site' : 'lon');
      throw e;
    }

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
      minutes,
      rings: answer.rings,
      nearest,
      contains_sample: anySample,
      ...(anySample ? { sample_notice: `${SAMPLE_NOTICE.zh} ${SAMPLE_NOTICE.en}` } : {}),
      attribution: ODBL_ATTRIBUTION,
    };
    // The body is built field by field to the response schema above (the type checks it); V8's own
    // JSON.stringify writes its thousands of ring coordinates several times faster than the schema
    // serializer, which checks every number.
    const entry: CachedAnswer = { stamp, bytes: Buffer.from(JSON.stringify(body)) };
    cache.set(key, entry);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return sendCached(request, reply, entry);
  });

  app.get('/api/route', {
    schema: {
      tags: ['walking'],
      summary: 'The walking route between two places, as a LineString Feature with walk_m and walk_min',
      querystring: RouteQuery,
      response: { 200: RouteResponse, 400: ErrorResponse, 422: ErrorResponse },
    },
  }, async (request) => {
    const profile = request.query.profile ?? DEFAULT_PROFILE;
    const from = parseLonLat(request.query.from, 'from');
    const to = parseLonLat(request.query.to, 'to');
    const at = parseAt(request.query.at);
    const engine = await app.walking.engine();
    const a = engine.snap(from[0], from[1], profile, engine.maxSnapM, at);
    if (!a.ok) throw outsideNetwork(new OutsideNetworkError(a, 'from'), 'from');
    const b = engine.snap(to[0], to[1], profile, engine.maxSnapM, at);
    if (!b.ok) throw outsideNetwork(new OutsideNetworkError(b, 'to'), 'to');
    const route = engine.route(a, b, profile, at);
    if (!route) {
      throw new HttpError(422, `to: no walking route from "${request.query.from}" to "${request.query.to}" for profile ${profile} (the two places are on unconnected parts of the network)`,
        'to', 'to：两地之间没有可步行的路线');
    }
    return {
      type: 'Feature' as const,
      geometry: route.geometry,
      properties: {
        ...route.properties, profile,
        from_snap_m: Math.round(a.snapDistM * 10) / 10, to_snap_m: Math.round(b.snapDistM * 10) / 10,
      },
    };
  });

  app.get('/api/walking/status', {
    schema: {
      tags: ['walking'],
      summary: 'The walking graph (nodes, edges, components), its build time, and the point index',
      response: { 200: WalkingStatusResponse },
    },
  }, async () => app.walking.status());
};
