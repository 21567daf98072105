// Network correction routes (路网纠错): staff draw paths, closures, gates and crossings on the map as drafts,
// preview what they would change, publish (the live engine rebuilds on every instance through the
// 'network' data change, coverage and boards follow it) and retire them. Versioned (409), audited in the
// same transaction, an editor writes only in their street and only where their street lies.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { auditSnapshot, checkVersion, commitEdit, staffOf, ConflictResponse, ValidationErrorResponse } from '../records/editing.ts';
import type { DataChange } from '../events.ts';
import { ENTITY, inputOf, prepare, presentCorrection, snapshot, type Input } from './correctionDrafts.ts';

export { presentCorrection };
import type { NetworkCorrection } from './corrections.ts';
import {
  activeSiteLocations, auditEntriesOf, findCorrection, insertCorrection, listCorrections, lockCorrection, setCorrectionStatus, toNetworkCorrection, updateCorrection,
  type CorrectionRow, type CorrectionStatus,
} from './correctionsRepository.ts';
import { findStreet } from '../divisions/repository.ts';
import {
  CorrectionCreateBody, CorrectionIdParams, CorrectionList, CorrectionListQuery, CorrectionPatchBody, CorrectionRecord,
  CorrectionRestoreBody, CorrectionVersionBody, PreviewBody, PreviewResponse,
} from './correctionSchemas.ts';
import type { WalkingEngine } from './walkingEngine.ts';
import type { WalkingPoint } from './repository.ts';
import type { LonLat } from '../geo.ts';
import { haversineM } from '../geo.ts';

const WHAT = { en: 'The network correction', zh: '该路网纠错' };
/** Board sites within this distance of a correction are previewed. */
const PREVIEW_RADIUS_M = 1000;

export const correctionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staff = app.requireStaff();
  const writers = app.requireStaff(['admin', 'editor']);
  const errors = { 400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(CorrectionRecord) };

  /** An editor's geometry must lie in their street's area; the district admin draws anywhere in the district. */
  const draftOf = async (request: FastifyRequest, input: Input) => {
    const [engine, areas] = await Promise.all([app.walking.engine(), app.areaIndex()]);
    const area = staffOf(request).role === 'admin' ? undefined : areas.streets.get(input.street_code as string);
    return prepare(input, engine, area, areas.toleranceM);
  };
  const audit = (trx: Transaction<Database>, request: FastifyRequest, action: string, before: CorrectionRow | null, after: CorrectionRow, extra: Input = {}) =>
    recordAudit(trx, {
      staff: staffOf(request), action, entity: ENTITY, entity_id: after.id, street_code: after.street_code,
      before: before ? snapshot(before) : null, after: { ...snapshot(after), ...extra },
    });
  /** Only a published correction (before or after) changes the live network. */
  const changes = (before: CorrectionRow | null, after: CorrectionRow): DataChange[] =>
    before?.status === 'published' || after.status === 'published' ? [{ kind: 'network', ids: [after.id], street: after.street_code }] : [];
  const lockOrThrow = async (trx: Transaction<Database>, id: number, request: FastifyRequest) => {
    const row = await lockCorrection(trx, id);
    if (!row) throw notFound(`network correction ${id}`, `路网纠错（${id}）不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  };

  app.get('/api/network/corrections', {
    preHandler: staff,
    schema: { tags: ['network'], summary: 'Network corrections (路网纠错), by street and status', querystring: CorrectionListQuery, response: { 200: CorrectionList, 401: ErrorResponse } },
  }, async (request) => ({ corrections: (await listCorrections(app.db, request.query)).map(presentCorrection) }));

  app.get('/api/network/corrections/:id', {
    preHandler: staff,
    schema: { tags: ['network'], summary: 'One network correction', params: CorrectionIdParams, response: { 200: CorrectionRecord, 401: ErrorResponse, 404: ErrorResponse } },
  }, async (request) => {
    const row = await findCorrection(app.db, request.params.id);
    if (!row) throw notFound(`network correction ${request.params.id}`, `路网纠错（${request.params.id}）不存在`);
    return presentCorrection(row);
  });

  app.post('/api/network/corrections', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'Draw a correction as a draft (street editor: own street)', body: CorrectionCreateBody, response: { 201: CorrectionRecord, ...errors } },
  }, async (request, reply) => {
    const body: Input = { ...request.body };
    body.street_code ??= staffOf(request).role === 'editor' ? staffOf(request).street_code : undefined;
    if (!body.street_code) throw badRequest('street_code', 'is required', 'street_code：必填');
    app.assertStreetAccess(request, body.street_code as string, 'street_code');
    if (!(await findStreet(app.db, body.street_code as string))) throw badRequest('street_code', `unknown street ${String(body.street_code)}`, `street_code：未知街道 ${String(body.street_code)}`);
    const draft = await draftOf(request, body);
    const row = await commitEdit(app, async (trx) => {
      const created = await insertCorrection(trx, draft, staffOf(request).id);
      await audit(trx, request, 'create', null, created);
      return { result: created, changes: [] };
    });
    return reply.code(201).send(presentCorrection(row));
  });

  app.patch('/api/network/corrections/:id', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'Edit a correction; the body carries the version it was based on (stale: 409)', params: CorrectionIdParams, body: CorrectionPatchBody, response: { 200: CorrectionRecord, ...errors } },
  }, async (request) => {
    const { version, ...edits } = request.body;
    const current = await findCorrection(app.db, request.params.id);
    if (!current) throw notFound(`network correction ${request.params.id}`, `路网纠错（${request.params.id}）不存在`);
    app.assertStreetAccess(request, current.street_code);
    checkVersion(WHAT, current, version, () => presentCorrection(current));
    const draft = await draftOf(request, { ...inputOf(current), ...edits });
    return presentCorrection(await commitEdit(app, async (trx) => {
      const before = await lockOrThrow(trx, request.params.id, request);
      checkVersion(WHAT, before, version, () => presentCorrection(before));
      const after = await updateCorrection(trx, before.id, draft);
      await audit(trx, request, 'update', before, after);
      return { result: after, changes: changes(before, after) };
    }));
  });

  const setStatus = (action: 'publish' | 'retire', status: CorrectionStatus) => async (request: FastifyRequest) =>
    presentCorrection(await commitEdit(app, async (trx) => {
      const { id } = request.params as { id: number };
      const { version } = request.body as { version: number };
      const before = await lockOrThrow(trx, id, request);
      checkVersion(WHAT, before, version, () => presentCorrection(before));
      if (before.status === status) return { result: before, changes: [] };
      const after = await setCorrectionStatus(trx, before.id, status);
      await audit(trx, request, action, before, after);
      return { result: after, changes: changes(before, after) };
    }));

  app.post('/api/network/corrections/:id/publish', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'Publish: the live walking engine rebuilds with it (every instance), coverage and boards follow', params: CorrectionIdParams, body: CorrectionVersionBody, response: { 200: CorrectionRecord, ...errors } },
  }, setStatus('publish', 'published'));

  app.post('/api/network/corrections/:id/retire', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'Retire: the correction leaves the live network (a publish too)', params: CorrectionIdParams, body: CorrectionVersionBody, response: { 200: CorrectionRecord, ...errors } },
  }, setStatus('retire', 'retired'));

  app.post('/api/network/corrections/:id/restore', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'Bring back the state an earlier audit entry recorded, as a new version', params: CorrectionIdParams, body: CorrectionRestoreBody, response: { 200: CorrectionRecord, ...errors } },
  }, async (request) => {
    const current = await findCorrection(app.db, request.params.id);
    if (!current) throw notFound(`network correction ${request.params.id}`, `路网纠错（${request.params.id}）不存在`);
    app.assertStreetAccess(request, current.street_code);
    const old = await app.db.transaction().execute((trx) => auditSnapshot(trx, ENTITY, current.id, request.body.audit_id));
    const restored: Input = { street_code: old.street_code, kind: old.kind, geometry: old.geometry, note: old.note ?? null, ...(old.attributes as Input) };
    const draft = await draftOf(request, restored);
    app.assertStreetAccess(request, draft.street_code);
    const status = (['draft', 'published', 'retired'] as const).find((s) => s === old.status) ?? 'draft';
    return presentCorrection(await commitEdit(app, async (trx) => {
      const before = await lockOrThrow(trx, current.id, request);
      checkVersion(WHAT, before, request.body.version, () => presentCorrection(before));
      const after = await updateCorrection(trx, before.id, draft, status);
      await audit(trx, request, 'restore', before, after, { restored_from: request.body.audit_id });
      return { result: after, changes: changes(before, after) };
    }));
  });

  app.get('/api/network/corrections/:id/history', {
    preHandler: staff,
    schema: { tags: ['network'], summary: 'The audit entries of a correction, newest first (restore takes their id)', params: CorrectionIdParams },
  }, async (request) => {
    const rows = await auditEntriesOf(app.db, ENTITY, request.params.id);
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    return { entries: rows.map((r) => ({ id: r.id, at: new Date(r.at as unknown as string).toISOString(), username: r.username, action: r.action, before: json(r.before), after: json(r.after) })) };
  });

  app.post('/api/network/corrections/:id/preview', {
    preHandler: writers,
    schema: { tags: ['network'], summary: 'What publishing (a draft) or retiring (a published correction) would change, before anything live changes', params: CorrectionIdParams, body: PreviewBody, response: { 200: PreviewResponse, ...errors, 422: ErrorResponse } },
  }, async (request) => {
    const row = await findCorrection(app.db, request.params.id);
    if (!row) throw notFound(`network correction ${request.params.id}`, `路网纠错（${request.params.id}）不存在`);
    app.assertStreetAccess(request, row.street_code);
    const action = row.status === 'published' ? 'retire' as const : 'publish' as const;
    const mine = toNetworkCorrection(row);
    const before = await app.walking.engine();
    const after = await app.walking.trialEngine((published) => action === 'publish'
      ? [...published.filter((c) => c.id !== row.id), mine] : published.filter((c) => c.id !== row.id));
    const profiles = app.catalog.profiles.map((p) => p.id);
    const profile = request.body.profile ?? 'standard';
    if (!profiles.includes(profile)) throw badRequest('profile', `unknown walking profile "${profile}"`, `profile：未知步行方式 ${profile}`);

    const coords: LonLat[] = row.geometry.type === 'Point' ? [row.geometry.coordinates as LonLat] : row.geometry.coordinates as LonLat[];
    const sites = (await activeSiteLocations(app.db))
      .filter((s) => coords.some((c) => haversineM(c[0], c[1], s.lon, s.lat) <= PREVIEW_RADIUS_M));
    const walkOf = (w: { walk_s: number; walk_min: number; point: WalkingPoint } | null | undefined) =>
      w ? { walk_s: w.walk_s, walk_min: w.walk_min, point_id: w.point.id, point_name: w.point.name } : null;
    const changed: PreviewSite[] = [];
    for (const p of profiles) {
      const b = before.batchNearest(sites, { profile: p, maxMinutes: 60 });
      const a = after.batchNearest(sites, { profile: p, maxMinutes: 60 });
      sites.forEach((s, i) => {
        const cats = new Set([...Object.keys(b[i].nearest ?? {}), ...Object.keys(a[i].nearest ?? {})]);
        for (const cat of cats) {
          const x = walkOf(b[i].nearest?.[cat]), y = walkOf(a[i].nearest?.[cat]);
          if (x?.walk_s !== y?.walk_s || x?.point_id !== y?.point_id) changed.push({ site_id: s.id, site_name: s.name, profile: p, category_id: cat, before: x, after: y });
        }
      });
    }
    let origin;
    if (request.body.origin) {
      const [lon, lat] = request.body.origin;
      const minutes = request.body.minutes ?? [5, 10, 15];
      const side = (engine: WalkingEngine<WalkingPoint>) => {
        const snap = engine.snap(lon, lat, profile);
        if (!snap.ok) return { reachable: false, rings: null, nearest: {} };
        const r = engine.reach(snap, { profile, minutes, perCategory: 1 });
        return { reachable: true, rings: r.rings, nearest: Object.fromEntries(Object.entries(r.nearest).map(([c, l]) => [c, walkOf(l[0])])) };
      };
      origin = { lon, lat, profile, before: side(before), after: side(after) };
    }
    return { action, sites: changed, ...(origin ? { origin } : {}) };
  });
};

type PreviewWalk = { walk_s: number; walk_min: number; point_id: number; point_name: string } | null;
type PreviewSite = { site_id: number; site_name: string; profile: string; category_id: string; before: PreviewWalk; after: PreviewWalk };
export type { NetworkCorrection };
