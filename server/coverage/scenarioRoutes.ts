// Planning scenario routes (规划方案): save a what-if as a named scenario of one or several hypothetical
// points, list and compare scenarios, edit with a version, delete, and turn one of its points into a draft
// service point. Reads: any staff; writes: the district admin, or the scenario street's editor. Audited.
//
// A draft service point is a normal point created through the points' own validation, with its name
// marked 【规划草稿】, source 'planning', and status closed: the points table has no draft status, and a
// closed point is out of coverage, boards and the public map until someone reopens it when the site opens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import { checkVersion, commitEdit, invalidInput, staffOf, ConflictResponse, ValidationErrorResponse } from '../records/editing.ts';
import { validatePoint } from '../records/validation.ts';
import { insertPoint, pointSnapshot, setPointStatus } from '../points/writes.ts';
import { findScenario, insertScenario, listScenarios, updateScenario, type ScenarioRow } from './repository.ts';
import { findStreet } from '../divisions/repository.ts';
import { compareEffects, scenarioEffect, type ScenarioPoint } from './scenarios.ts';
import { placeName } from './placeNames.ts';
import {
  ScenarioCompareQuery, ScenarioCompareResponse, ScenarioCreateBody, ScenarioDraftResponse, ScenarioIdParams, ScenarioListQuery,
  ScenarioListResponse, ScenarioPatchBody, ScenarioPointParams, ScenarioSchema, ScenarioVersionBody, ScenarioVersionQuery,
} from './schemas.ts';

const WHAT = { en: 'The scenario', zh: '该规划方案' };
const DRAFT_MARK = '【规划草稿】';
/** The stored scenario a 409 carries (its saved fields, without the computed effect). */
const StoredScenario = Type.Object({}, { additionalProperties: true });
const errors = { 400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const scenarioRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staff = app.requireStaff();
  const writers = app.requireStaff(['admin', 'editor']);

  const checkPoints = (points: { category: string }[]) => points.forEach((p, i) => {
    if (!app.catalog.categoryById.has(p.category)) {
      throw badRequest(`points.${i}.category`, `unknown category "${p.category}"`, `points.${i}.category：未知类别 ${p.category}`);
    }
  });
  const cleanPoints = (points: { category: string; lon: number; lat: number; label?: string | null }[], old: ScenarioPoint[] = []): ScenarioPoint[] =>
    points.map((p, i) => ({
      category: p.category, lon: p.lon, lat: p.lat, label: p.label?.trim() || null,
      // a point kept in place keeps its draft link
      draft_point_id: old[i] && old[i].lon === p.lon && old[i].lat === p.lat && old[i].category === p.category ? old[i].draft_point_id ?? null : null,
    }));

  async function present(row: ScenarioRow) {
    const snap = await app.coverage.snapshot(row.profile_id);
    const effect = scenarioEffect(snap.engine, snap.model, snap.settings, row.points);
    return {
      id: row.id, street_code: row.street_code, street_name: snap.streets.find((s) => s.code === row.street_code)?.name ?? row.street_code,
      name: row.name, note: row.note, profile: row.profile_id, version: row.version,
      created_at: new Date(row.created_at).toISOString(), updated_at: new Date(row.updated_at).toISOString(),
      points: row.points.map((p) => ({ ...p, place_name: placeName(snap.engine.graph, p.lon, p.lat), draft_point_id: p.draft_point_id ?? null })),
      effect,
      saved: true as const,
    };
  }

  async function readable(id: number) {
    const row = await findScenario(app.db, id);
    if (!row) throw notFound(`scenario ${id}`, `规划方案 ${id} 不存在`);
    return row;
  }

  const audit = (trx: Parameters<typeof recordAudit>[0], request: FastifyRequest, action: string, before: ScenarioRow | null, after: ScenarioRow) =>
    recordAudit(trx, {
      staff: staffOf(request), action, entity: 'coverage_scenario', entity_id: after.id, street_code: after.street_code,
      before: before && snapshot(before), after: snapshot(after),
    });

  app.get('/api/coverage/scenarios', {
    preHandler: staff,
    schema: { tags: ['coverage'], summary: 'Saved planning scenarios (optionally of one street), each with what its points would newly cover', querystring: ScenarioListQuery, response: { 200: ScenarioListResponse, ...errors } },
  }, async (request) => ({ scenarios: await Promise.all((await listScenarios(app.db, request.query.street)).map(present)) }));

  app.get('/api/coverage/scenarios/compare', {
    preHandler: staff,
    schema: {
      tags: ['coverage'], summary: 'Two scenarios side by side: gaps each closes, those both close (overlap) and those only one closes',
      querystring: ScenarioCompareQuery, response: { 200: ScenarioCompareResponse, ...errors },
    },
  }, async (request) => {
    const [a, b] = await Promise.all([readable(request.query.a), readable(request.query.b)]);
    const [pa, pb] = await Promise.all([present(a), present(b)]);
    return { a: pa, b: pb, ...compareEffects(pa.effect, pb.effect) };
  });

  app.get('/api/coverage/scenarios/:id', {
    preHandler: staff,
    schema: { tags: ['coverage'], summary: 'One saved scenario with its effect', params: ScenarioIdParams, response: { 200: ScenarioSchema, ...errors } },
  }, async (request) => present(await readable(request.params.id)));

  app.post('/api/coverage/scenarios', {
    preHandler: writers,
    schema: {
      tags: ['coverage'], summary: 'Save a what-if as a named scenario of one or several points (admin, or the street\'s editor; audited)',
      body: ScenarioCreateBody, response: { 201: ScenarioSchema, ...errors },
    },
  }, async (request, reply) => {
    const b = request.body;
    const street = b.street_code ?? (request.staff?.role === 'editor' ? request.staff.street_code : null);
    if (!street) throw badRequest('street_code', 'street_code is required', 'street_code：请选择街道');
    app.assertStreetAccess(request, street, 'street_code');
    if (!(await findStreet(app.db, street))) {
      throw badRequest('street_code', `unknown street code ${street}`, `street_code：街道代码 ${street} 不存在`);
    }
    checkPoints(b.points);
    const profile = b.profile ?? DEFAULT_PROFILE;
    const row = await commitEdit(app, async (trx) => {
      const created = await insertScenario(trx, staffOf(request).id, {
        street_code: street, name: b.name.trim() || b.name, note: b.note?.trim() || null, profile_id: profile, points: cleanPoints(b.points),
      });
      await audit(trx, request, 'create', null, created);
      return { result: created, changes: [] };
    });
    return reply.code(201).send(await present(row));
  });

  const lockWritable = async (trx: Parameters<typeof findScenario>[0], request: FastifyRequest, id: number) => {
    const row = await findScenario(trx, id, true);
    if (!row) throw notFound(`scenario ${id}`, `规划方案 ${id} 不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  };

  app.patch('/api/coverage/scenarios/:id', {
    preHandler: writers,
    schema: {
      tags: ['coverage'], summary: 'Edit a scenario (name, note, profile, points); the body carries the version it was based on (stale: 409)',
      params: ScenarioIdParams, body: ScenarioPatchBody, response: { 200: ScenarioSchema, ...errors, 409: ConflictResponse(StoredScenario) },
    },
  }, async (request) => {
    const b = request.body;
    if (b.points) checkPoints(b.points);
    const row = await commitEdit(app, async (trx) => {
      const before = await lockWritable(trx, request, request.params.id);
      checkVersion(WHAT, before, b.version, () => snapshot(before));
      const after = (await updateScenario(trx, before.id, {
        name: b.name?.trim() || before.name, note: b.note === undefined ? before.note : b.note?.trim() || null,
        profile_id: b.profile ?? before.profile_id, points: b.points ? cleanPoints(b.points, before.points) : before.points,
      }))!;
      await audit(trx, request, 'update', before, after);
      return { result: after, changes: [] };
    });
    return present(row);
  });

  app.delete('/api/coverage/scenarios/:id', {
    // Before validation (onRequest): without a session the answer is 401, whatever the query holds.
    onRequest: writers,
    schema: {
      tags: ['coverage'], summary: 'Delete a scenario (kept in the audit log); ?version= the version it was decided on',
      params: ScenarioIdParams, querystring: ScenarioVersionQuery, response: { 204: { type: 'null' }, ...errors, 409: ConflictResponse(StoredScenario) },
    },
  }, async (request, reply) => {
    await commitEdit(app, async (trx) => {
      const before = await lockWritable(trx, request, request.params.id);
      checkVersion(WHAT, before, request.query.version, () => snapshot(before));
      const after = (await updateScenario(trx, before.id, { name: before.name, note: before.note, profile_id: before.profile_id, points: before.points, status: 'deleted' }))!;
      await audit(trx, request, 'delete', before, after);
      return { result: null, changes: [] };
    });
    return reply.code(204).send(null);
  });

  app.post('/api/coverage/scenarios/:id/points/:index/draft', {
    preHandler: writers,
    schema: {
      tags: ['coverage'],
      summary: 'Turn one point of a scenario into a draft service point: created through the points\' validation, named 【规划草稿】…, source planning, status closed (no coverage or public effect until reopened); audited',
      params: ScenarioPointParams, body: ScenarioVersionBody, response: { 201: ScenarioDraftResponse, ...errors, 409: ConflictResponse(StoredScenario) },
    },
  }, async (request, reply) => {
    const { id, index } = request.params;
    const ctx = await app.validationContext();
    const snap = await app.coverage.snapshot('standard');
    const result = await commitEdit(app, async (trx) => {
      const before = await lockWritable(trx, request, id);
      checkVersion(WHAT, before, request.body.version, () => snapshot(before));
      const point = before.points[index];
      if (!point) throw badRequest('index', `the scenario has no point ${index} (it has ${before.points.length})`, `index：方案中没有第 ${index + 1} 个点`);
      if (point.draft_point_id) {
        throw badRequest('index', `point ${index} is already draft service point ${point.draft_point_id}`, `index：该点已转为规划草稿服务点（编号 ${point.draft_point_id}）`);
      }
      const title = point.label ?? placeName(snap.engine.graph, point.lon, point.lat);
      const { draft, issues } = validatePoint({
        name: `${DRAFT_MARK}${title}`.slice(0, 100), category: point.category, lon: point.lon, lat: point.lat, crs: 'WGS84',
        street_code: before.street_code, address: `规划方案“${before.name}”第 ${index + 1} 点`.slice(0, 200),
      }, ctx);
      if (!draft || issues.length) throw invalidInput(issues);
      app.assertStreetAccess(request, draft.street_code);
      const inserted = await insertPoint(trx, draft, 'planning');
      const closed = await setPointStatus(trx, inserted.id, 'closed');
      await recordAudit(trx, {
        staff: staffOf(request), action: 'create', entity: 'point', entity_id: closed.id, street_code: closed.street_code,
        before: null, after: { ...pointSnapshot(closed), planning_scenario_id: before.id, planning_point_index: index },
      });
      const points = before.points.map((p, i) => (i === index ? { ...p, draft_point_id: closed.id } : p));
      const after = (await updateScenario(trx, before.id, { name: before.name, note: before.note, profile_id: before.profile_id, points }))!;
      await audit(trx, request, 'draft_point', before, after);
      return { result: { point: closed, scenario: after }, changes: [{ kind: 'points' as const, ids: [closed.id], street: closed.street_code }] };
    });
    return reply.code(201).send({
      point_id: result.point.id, point_name: result.point.name, point_status: 'closed' as const,
      explanation: 'Created as a closed point marked 【规划草稿】 (source: planning): it does not count in coverage or show publicly until it is reopened when the site opens.',
      explanation_zh: '已建为“规划草稿”服务点（停用状态，来源：规划）：在正式开放并重新启用前，不计入覆盖分析，也不对公众显示。',
      scenario: await present(result.scenario),
    });
  });
};

function snapshot(row: ScenarioRow) {
  return { id: row.id, street_code: row.street_code, name: row.name, note: row.note, profile_id: row.profile_id, points: row.points, status: row.status, version: row.version };
}
