// Street and community areas in the app: `app.areaIndex()` (cached, follows imports), `app.placeRecord()`
// (the one position check every record write calls), GET /api/areas for maps and the /admin form, and
// POST /api/areas/official for the district admin's import of official boundaries.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { recordAudit } from '../records/audit.ts';
import { staffOf } from '../records/editing.ts';
import { AreaIndex } from '../records/placement.ts';
import { listAreas, type AreaRow } from './repository.ts';
import { AreaCollection } from './schemas.ts';
import { checkOfficialGeometry, readOfficialAreas, storeOfficialAreas } from './importOfficial.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The street and community areas, for position checks; cached, reloaded after an import. */
    areaIndex(): Promise<AreaIndex>;
  }
}

export const APPROXIMATE_LABEL = { zh: '近似边界', en: 'approximate' };

const ImportBody = Type.Object({
  geojson: Type.Unknown({ description: 'a GeoJSON FeatureCollection of Polygon/MultiPolygon features, each with a division code in a property' }),
  code_property: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'the property holding the 12-digit code; default: the first of code, division_code, admin_code, adcode, xzqdm' })),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84' })),
  source_note: Type.Optional(Type.String({ maxLength: 200, description: 'where the boundaries come from, e.g. 区民政局 2026 年区划图' })),
}, { additionalProperties: false });

async function areasPlugin(app: FastifyInstance): Promise<void> {
  let pending: Promise<AreaIndex> | null = null;
  const load = async () => {
    const [rows, streets, communities] = await Promise.all([
      listAreas(app.db),
      app.db.selectFrom('streets').select(['code', 'name']).execute(),
      app.db.selectFrom('communities').select(['code', 'name']).execute(),
    ]);
    const names = new Map([...streets, ...communities].map((r) => [r.code, r.name]));
    return new AreaIndex(rows.map((r) => ({ ...r, name: names.get(r.code) ?? r.code })), app.config.areaToleranceM, Math.max(app.config.areaToleranceM, app.config.areaApproximateMarginM));
  };
  app.decorate('areaIndex', () => {
    pending ??= load().catch((err) => { pending = null; throw err; });
    return pending;
  });
  app.dataEvents.on((change) => { if (change.kind === 'areas' || change.kind === 'resync') pending = null; });

  const present = (r: AreaRow, name: string) => ({
    type: 'Feature' as const,
    geometry: { type: 'MultiPolygon' as const, coordinates: r.polygons },
    properties: {
      code: r.code, level: r.level, street_code: r.street_code, name, source: r.source,
      label: r.source === 'approximate' ? `${name}（${APPROXIMATE_LABEL.zh}）` : name,
      imported_at: r.imported_at, source_note: r.source_note,
    },
  });

  app.get('/api/areas', {
    schema: {
      tags: ['meta'],
      summary: 'Street and community areas (official where imported, otherwise approximate: derived from community locations)',
      querystring: Type.Object({
        level: Type.Optional(Type.Union([Type.Literal('street'), Type.Literal('community')])),
        street: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
      }, { additionalProperties: false }),
      response: {
        200: AreaCollection,
        400: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    const query = request.query as { level?: 'street' | 'community'; street?: string };
    const index = await app.areaIndex();
    // The index holds the rows as read (server/areas/repository.ts) with their names added.
    const rows = [...index.streets.values(), ...index.communities.values()] as (AreaRow & { name: string })[];
    const features = rows
      .filter((a) => (!query.level || a.level === query.level) && (!query.street || a.street_code === query.street))
      .map((r) => present(r, r.name));
    reply.header('cache-control', 'no-cache');
    return { type: 'FeatureCollection' as const, tolerance_m: index.toleranceM, approximate_margin_m: index.approximateMarginM, features };
  });

  app.post('/api/areas/official', {
    preHandler: app.requireStaff(['admin']),
    bodyLimit: 20 * 1024 * 1024,
    schema: {
      tags: ['meta'],
      summary: 'Import official street/community boundaries (district admin): replaces the areas of those codes in one transaction',
      body: ImportBody,
      response: {
        200: Type.Object({
          imported: Type.Integer(), codes: Type.Array(Type.String()),
          replaced: Type.Array(Type.Object({ code: Type.String(), source: Type.String() })),
        }),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse,
      },
    },
  }, async (request) => {
    const body = request.body as { geojson: unknown; code_property?: string; crs?: 'WGS84' | 'GCJ-02' | 'BD-09'; source_note?: string };
    const staff = staffOf(request);
    const ctx = await app.validationContext();
    const areas = readOfficialAreas(body.geojson, body.code_property, body.crs ?? 'WGS84', ctx.streets, { zh: app.district.name_zh, en: app.district.name_en });
    const note = body.source_note?.trim() || null;
    const result = await app.db.transaction().execute(async (trx) => {
      await checkOfficialGeometry(trx, areas, ctx.district);
      const { replaced } = await storeOfficialAreas(trx, areas, staff.id, note);
      await recordAudit(trx, {
        staff, action: 'import', entity: 'division_areas', entity_id: areas.map((a) => a.code).join(',').slice(0, 200),
        before: { areas: replaced }, after: { source: 'official', codes: areas.map((a) => a.code), crs: body.crs ?? 'WGS84', source_note: note },
      });
      return { imported: areas.length, codes: areas.map((a) => a.code), replaced };
    });
    await app.dataEvents.publish(app.db, { kind: 'areas' });
    return result;
  });
}

export const areas = fp(areasPlugin, { name: 'areas', dependencies: ['district'] });
