// Walking routes: /api/reach (rings + nearest points per category from a place or a board site) and
// /api/route (the walk between two places). Thin: parse, ask app.walking, present. Answers for the
// same question are cached until any data changes (a board's QR code asks the same thing all day).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponse } from '../http/geojson.ts';
import { negotiatedEncoding } from '../http/compression.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import { getSite } from '../sites/repository.ts';
import { OutsideNetworkError } from './walkingEngine.ts';
import { reachAnswerBytes, type ReachQuestion } from './reachAnswer.ts';
import type { PooledAnswer } from './reachPool.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import { ReachQuery, ReachResponse, RouteQuery, RouteResponse, WalkingStatusResponse } from './schemas.ts';
import { outsideNetwork } from './httpErrors.ts';
import type { LonLat } from '../geo.ts';
import { parseDistrictTime, type DistrictTime } from './corrections.ts';
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
  // Cached as the serialized bytes, plus the compressed bytes for the last accept-encoding seen (made
  // with the answer by reachAnswerBytes, or by @fastify/compress when a cached answer is asked for with
  // another encoding): a repeated question costs neither the engine, the serializer nor the compressor.
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
  const remember = (key: string, entry: CachedAnswer) => {
    cache.set(key, entry);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  };
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
    const engineStamp = app.walking.stamp; // read with the engine: the state a reach worker must be at
    const stamp = `${app.dataEvents.currentRevision}:${engine.points.version}:${app.walking.graphVersion}`;
    const ringFormat = q.rings ?? 'geojson';
    const key = JSON.stringify([q.site ?? [q.lon, q.lat], profile, minutes, q.per_category ?? 3, categories ?? null, q.routes ?? false, q.at ?? null, ringFormat]);
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

    const question: ReachQuestion = {
      place, ...(site ? { site } : {}), profile, minutes, perCategory: q.per_category ?? 3,
      ...(categories ? { categories } : {}), withRoutes: q.routes ?? false, ...(at ? { at } : {}),
      ...(ringFormat === 'packed' ? { ringFormat } : {}),
    };
    // A fresh place goes to a reach worker when one is at this engine's state (a board site's answer
    // is asked again all day and comes from the cache): the worker serializes and compresses too.
    if (!site && app.reachPool) {
      let pooled: PooledAnswer | null;
      try {
        pooled = await app.reachPool.reach(question, engineStamp, negotiatedEncoding(request.headers));
      } catch (e) {
        if (e instanceof OutsideNetworkError) throw outsideNetwork(e, 'lon');
        throw e;
      }
      if (pooled) {
        const z = pooled.compressed;
        const entry: CachedAnswer = { stamp, bytes: pooled.json, ...(z ? { compressed: { accept: acceptKey(request), encoding: z.encoding, bytes: z.bytes } } : {}) };
        remember(key, entry);
        return sendCached(request, reply, entry);
      }
    }

    // On this thread: the same bytes a worker would send (serialized and compressed by one function).
    let answer: ReturnType<typeof reachAnswerBytes>;
    const encoding = negotiatedEncoding(request.headers);
    try {
      answer = reachAnswerBytes(engine, question, encoding);
    } catch (e) {
      if (e instanceof OutsideNetworkError) throw outsideNetwork(e, site ? 'site' : 'lon');
      throw e;
    }
    const entry: CachedAnswer = {
      stamp, bytes: answer.json,
      ...(answer.compressed && encoding ? { compressed: { accept: acceptKey(request), encoding, bytes: answer.compressed } } : {}),
    };
    remember(key, entry);
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
      summary: 'The walking graph (nodes, edges, components), its build time, the point index, and the reach workers',
      response: { 200: WalkingStatusResponse },
    },
  }, async () => ({
    ...await app.walking.status(),
    reachWorkers: app.reachPool?.stats() ?? { workers: 0, current: 0, queued: 0, answered: 0, fellBack: { stale: 0, busy: 0, failed: 0 }, replaced: 0 },
  }));
};
