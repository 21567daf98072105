// Check-up routes (体检): the 15-minute surface (summary and samples for staff; vector tiles for every
// map, public like the basemap, since they show only public service points), coverage snapshots and
// their history, and the printed report as a job (report.ts). Staff read; only the admin takes snapshots.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, parseBbox } from '../http/geojson.ts';
import { badRequest } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { staffOf } from '../records/editing.ts';
import { CheckupService } from './service.ts';
import { history, takeSnapshot } from './history.ts';
import { hasSnapshotFor, listSnapshots } from './repository.ts';
import { findStreet } from '../divisions/repository.ts';
import { SurfaceResponse } from './schemas.ts';
import { SURFACE_LAYER, SURFACE_MAX_ZOOM, SURFACE_MIN_ZOOM } from './tiles.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The 15-minute surface per profile and the per-street shares (see service.ts). */
    checkup: CheckupService;
  }
}

/** How often the monthly snapshot is looked for (the first look waits, so short-lived test apps never take one). */
const MONTHLY_CHECK_MS = 60 * 60 * 1000;

const Profile = Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$', description: 'walking profile (default standard)' }));
const Street = Type.Optional(Type.String({ pattern: '^[0-9]{12}$', description: 'street code; omit for the whole district' }));
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'Mapbox Vector Tile 2.1 (protobuf)' });


export const checkupPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const service = new CheckupService(app);
  app.decorate('checkup', service);
  const staff = app.requireStaff();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

  const checkProfile = (profile: string | undefined): string => {
    const id = profile ?? 'standard';
    if (!app.catalog.profileById.has(id)) throw badRequest('profile', `unknown walking profile "${id}"; known: ${app.catalog.profiles.map((p) => p.id).join(', ')}`, `profile：未知步行方式 ${id}`);
    return id;
  };
  const checkStreet = async (street: string | undefined): Promise<{ code: string; name: string } | null> => {
    if (street === undefined) return null;
    const row = await findStreet(app.db, street);
    if (!row) throw badRequest('street', `unknown street code ${street}`, `street：街道代码 ${street} 不存在`);
    return row;
  };

  app.get('/api/checkup/surface', {
    preHandler: staff,
    schema: {
      tags: ['checkup'],
      summary: 'The 15-minute surface of a street or the district: per category the share within target (saying its weighting), the mean score, and the tile URL',
      querystring: Type.Object({ profile: Profile, street: Street }, { additionalProperties: false }),
      response: {
        200: SurfaceResponse,
        ...errors,
      },
    },
  }, async (request) => {
    const started = performance.now();
    const profile = checkProfile(request.query.profile);
    const street = await checkStreet(request.query.street);
    const state = await service.surface(profile);
    const a = await service.areaCheckup(profile, street?.code ?? null);
    return {
      ...a, samples: state.surface.samples.count, mean_score_weighting: 'street_length' as const,
      tiles: `/api/checkup/tiles/${profile}/{z}/{x}/{y}.pbf?v=${state.version}`, tile_layer: SURFACE_LAYER, version: state.version,
      computed_ms: Math.round((performance.now() - started) * 10) / 10,
    };
  });

  app.get('/api/checkup/surface/samples', {
    preHandler: staff,
    schema: {
      tags: ['checkup'],
      summary: 'Sampled points of the surface (every n-th): position, edge, minutes per category (null: unreachable), score',
      querystring: Type.Object({ profile: Profile, street: Street, bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })), every: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 500 })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          profile: Type.String(), spacing_m: Type.Number(), total: Type.Integer(), categories: Type.Array(Type.String()),
          samples: Type.Array(Type.Object({ lon: Type.Number(), lat: Type.Number(), edge: Type.Integer(), length_m: Type.Number(), score: Type.Integer(), minutes: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])), targets: Type.Record(Type.String(), Type.Number()) })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const profile = checkProfile(request.query.profile);
    const street = await checkStreet(request.query.street);
    const bbox = parseBbox(request.query.bbox);
    const state = await service.surface(profile);
    const { surface } = state;
    const si = street ? state.streets.findIndex((s) => s.code === street.code) : -1;
    const every = request.query.every ?? 100, limit = request.query.limit ?? 500, nc = surface.categories.length;
    const out = [];
    let total = 0;
    for (let i = 0; i < surface.samples.count; i++) {
      if (street && state.streetOf[i] !== si) continue;
      if (bbox && (surface.samples.lon[i] < bbox[0] || surface.samples.lon[i] > bbox[2] || surface.samples.lat[i] < bbox[1] || surface.samples.lat[i] > bbox[3])) continue;
      if (total++ % every !== 0 || out.length >= limit) continue;
      const minutes: Record<string, number | null> = {}, targets: Record<string, number> = {};
      surface.categories.forEach((c, ci) => {
        const m = surface.minutes[i * nc + ci];
        minutes[c] = Number.isNaN(m) ? null : Math.round(m * 10) / 10;
        targets[c] = surface.targets[i * nc + ci];
      });
      out.push({ lon: surface.samples.lon[i], lat: surface.samples.lat[i], edge: surface.samples.edge[i], length_m: Math.round(surface.samples.lengthM[i] * 10) / 10, score: surface.score[i], minutes, targets });
    }
    return { profile, spacing_m: surface.samples.spacingM, total, categories: [...surface.categories], samples: out };
  });

  app.get('/api/checkup/tiles/:profile/:z/:x/:y.pbf', {
    schema: {
      tags: ['checkup'],
      summary: `The surface as vector tiles (layer ${SURFACE_LAYER}: score 0–10, m_<category> minutes), zoom ${SURFACE_MIN_ZOOM}–${SURFACE_MAX_ZOOM}`,
      params: Type.Object({ profile: Type.String({ pattern: '^[a-z_]{1,40}$' }), z: Type.Integer({ minimum: 0, maximum: 22 }), x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }) }),
      querystring: Type.Object({ v: Type.Optional(Type.String({ pattern: '^[0-9a-z_]{1,40}$' })) }, { additionalProperties: false }),
      response: { 200: Binary, 204: Type.Null(), 400: ErrorResponse },
    },
  }, async (request, reply) => {
    const { z, x, y } = request.params;
    const profile = checkProfile(request.params.profile);
    if (x >= 2 ** z) throw badRequest('x', `must be below 2^z = ${2 ** z} at zoom ${z}`, `瓦片编号超出第 ${z} 级的范围`);
    if (y >= 2 ** z) throw badRequest('y', `must be below 2^z = ${2 ** z} at zoom ${z}`, `瓦片编号超出第 ${z} 级的范围`);
    const state = await service.surface(profile);
    reply.header('cache-control', request.query.v === state.version ? 'public, max-age=86400' : 'no-cache');
    const tile = state.tiles.tile(z, x, y);
    if (!tile) return reply.code(204).send(null);
    reply.type('application/vnd.mapbox-vector-tile');
    return reply.send(tile);
  });

  const SnapshotSummary = Type.Object({
    id: Type.Integer(), taken_at: Type.String(), kind: Type.String(), period: Type.String(), data_version: Type.String(),
    data_date: Type.Union([Type.String(), Type.Null()]), taken_by_name: Type.Union([Type.String(), Type.Null()]), points: Type.Integer(),
  });
  const summaryOf = (s: Awaited<ReturnType<typeof listSnapshots>>[number]) => ({
    id: s.id, taken_at: s.taken_at, kind: s.kind, period: s.period, data_version: s.data_version, data_date: s.data_date, taken_by_name: s.taken_by_name, points: s.points.length,
  });

  app.post('/api/checkup/snapshots', {
    preHandler: app.requireStaff(['admin']),
    // A snapshot analyses every street under every profile (seconds): a handful an hour is plenty.
    config: { rateLimit: { max: 8, timeWindow: '10 minutes' } },
    schema: { tags: ['checkup'], summary: 'Take a coverage snapshot now (district admin; audited; no body)', response: { 201: SnapshotSummary, ...errors, 429: ErrorResponse } },
  }, async (request, reply) => {
    const body = request.body as unknown;
    if (body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body as object).length === 0)) {
      const field = typeof body === 'object' ? Object.keys(body as object)[0] : 'body';
      throw badRequest(field, `${field}: a snapshot takes no input`, `${field}：生成快照不需要任何参数`);
    }
    const who = staffOf(request);
    const row = await takeSnapshot(app, service, 'on_demand', { id: who.id, name: who.display_name ?? who.username });
    await recordAudit(app.db, { staff: who, action: 'create', entity: 'checkup_snapshot', entity_id: row.id, street_code: null, after: { kind: row.kind, data_version: row.data_version } });
    return reply.code(201).send(summaryOf(row));
  });

  app.get('/api/checkup/snapshots', {
    preHandler: staff,
    schema: { tags: ['checkup'], summary: 'Coverage snapshots, oldest first', response: { 200: Type.Object({ snapshots: Type.Array(SnapshotSummary) }), ...errors } },
  }, async () => ({ snapshots: (await listSnapshots(app.db)).map(summaryOf) }));

  app.get('/api/checkup/history', {
    preHandler: staff,
    schema: {
      tags: ['checkup'],
      summary: 'A category\'s share in a street (or the district) across the snapshots, the sentence for the meeting, and what changed between snapshots',
      querystring: Type.Object({ street: Street, category: Type.String({ pattern: '^[a-z_]{1,40}$' }), profile: Profile, since: Type.Optional(Type.String({ format: 'date' })) }, { additionalProperties: false }),
      response: { 200: Type.Unknown(), ...errors },
    },
  }, async (request) => {
    const profile = checkProfile(request.query.profile);
    const street = await checkStreet(request.query.street);
    const category = request.query.category;
    if (!app.catalog.categoryById.has(category)) throw badRequest('category', `unknown category "${category}"`, `category：未知类别 ${category}`);
    return history(app, street?.code ?? null, street?.name ?? app.district.name_zh, category, profile, request.query.since ? new Date(request.query.since) : undefined);
  });


  // The monthly snapshot: looked for every hour (first after an hour), taken once per calendar month.
  const timer = setInterval(() => {
    const period = new Date().toISOString().slice(0, 7);
    hasSnapshotFor(app.db, period)
      .then((has) => (has ? null : takeSnapshot(app, service, 'monthly', null)))
      .catch((err) => app.log.error({ err }, 'monthly coverage snapshot failed'));
  }, MONTHLY_CHECK_MS);
  timer.unref();
  app.addHook('onClose', async () => { clearInterval(timer); });
};

export default fp(checkupPlugin as (app: FastifyInstance) => Promise<void>, { name: 'checkup' });
