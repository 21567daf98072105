// The write path every versioned record shares (points, board sites, compounds, gates): one transaction
// holding the change and its audit row, an optimistic version check that answers 409 with the current
// record, and the data-change event published only after the commit.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { Database } from '../db/schema.ts';
import type { DataChange, DataKind } from '../events.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { IdParams } from './schemas.ts';
import { recordAudit } from './audit.ts';
import type { StaffIdentity, StaffRole } from './staff.ts';
import type { FieldIssue, ValidationContext } from './validation.ts';
import { CONFIRM_FIELD } from './placement.ts';
import type { AreaIndex } from './placement.ts';
import { placeRecord } from './placementCheck.ts';

/** Runs the edit in one transaction, then tells caches and the walking engine what changed. */
export async function commitEdit<T>(
  app: FastifyInstance,
  work: (trx: Transaction<Database>) => Promise<{ result: T; changes: DataChange[] }>,
): Promise<T> {
  const { result, changes } = await app.db.transaction().execute(work);
  for (const change of changes) await app.dataEvents.publish(app.db, change);
  return result;
}

/** 400 naming the first problem; `errors` lists them all, so a form can mark every field. */
export function invalidInput(issues: FieldIssue[]): HttpError {
  const first = issues[0];
  return new HttpError(400, first.message, first.field, first.message_zh, { errors: issues });
}

/** 409: the record moved on since the editor loaded it. The body carries the current record. */
export function staleVersion(what: { en: string; zh: string }, currentVersion: number, sentVersion: number, current: unknown): HttpError {
  return new HttpError(409,
    `${what.en} was changed by someone else: it is at version ${currentVersion}, your edit was based on version ${sentVersion}. Reload it and apply your edit again.`,
    'version',
    `${what.zh}已被他人修改（当前版本 ${currentVersion}，您编辑的是版本 ${sentVersion}），请刷新后重新修改`,
    { current });
}

export function checkVersion(what: { en: string; zh: string }, row: { version: number }, sent: number | undefined, present: () => unknown): void {
  if (sent !== undefined && row.version !== sent) throw staleVersion(what, row.version, sent, present());
}

/** The signed-in staff member (routes behind requireStaff always have one). */
export function staffOf(request: FastifyRequest): StaffIdentity {
  if (!request.staff) throw new HttpError(401, 'Sign in required', undefined, '请先登录');
  return request.staff;
}

/** Editors write their own street; a record without a street is the district admin's. */
export function defaultStreet(request: FastifyRequest, given: string | null | undefined): string | null | undefined {
  if (given) return given;
  const staff = request.staff;
  return staff?.role === 'editor' ? staff.street_code : given;
}

export const VersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version the close was decided on; a newer stored version gets 409' })),
}, { additionalProperties: false });

export const ReopenBody = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

const ConfirmOutsideArea = Type.Optional(Type.Boolean({
  description: 'accept a position outside the approximate area of its street or community (official areas cannot be overridden)',
}));

export const RestoreBody = Type.Object({
  audit_id: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the audit entry whose "after" state is brought back' }),
  version: Type.Integer({ minimum: 1, description: 'the current version the restore was decided on' }),
  [CONFIRM_FIELD]: ConfirmOutsideArea,
}, { additionalProperties: false });

/** A write body that also accepts confirm_outside_area. */
function withConfirm(schema: TSchema): TSchema {
  const object = schema as TSchema & { properties: Record<string, TSchema> };
  return Type.Object({ ...object.properties, [CONFIRM_FIELD]: ConfirmOutsideArea }, { additionalProperties: false });
}

/** The parts of a draft the area check reads: a position, a street, maybe a community. */
type Placed = { street_code: string; lon?: number | null; lat?: number | null; community_code?: string | null };

/**
 * Checks the draft's position against the areas and stores the community that follows from it (unless
 * picked). Skipped when the write changes none of position, street and community, so that fixing a
 * phone number never trips over a boundary drawn after the record was placed.
 */
function placeDraft(
  index: AreaIndex, request: FastifyRequest, draft: Placed, confirmed: boolean,
  before: { lon?: unknown; lat?: unknown; street_code?: unknown; community_code?: unknown } | null, communityPicked: boolean,
): void {
  if (typeof draft.lon !== 'number' || typeof draft.lat !== 'number') return;
  const hasCommunity = 'community_code' in draft;
  if (before && before.lon === draft.lon && before.lat === draft.lat && before.street_code === draft.street_code
    && (!hasCommunity || (before.community_code ?? null) === (draft.community_code ?? null))) return;
  const { community_code } = placeRecord(index, request, {
    lon: draft.lon, lat: draft.lat, street_code: draft.street_code,
    community_code: hasCommunity ? draft.community_code ?? null : undefined, community_picked: communityPicked,
  }, confirmed);
  if (hasCommunity) draft.community_code = community_code;
}

export const ValidationErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), message_zh: Type.String() }))),
});

export const ConflictResponse = (current: TSchema) => Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  current,
});

/** An earlier state from the audit log, for "restore": must be an entry of this very record. */
export async function auditSnapshot(
  trx: Transaction<Database>,
  entity: string,
  entityId: number,
  auditId: number,
): Promise<Record<string, unknown>> {
  const entry = await trx.selectFrom('audit_log').select(['entity', 'entity_id', 'after'])
    .where('id', '=', auditId).executeTakeFirst();
  if (!entry || entry.entity !== entity || entry.entity_id !== String(entityId)) {
    throw new HttpError(400, `audit_id: entry ${auditId} is not in the history of ${entity} ${entityId}`, 'audit_id', '该修改记录不属于此条数据');
  }
  const after = typeof entry.after === 'string' ? JSON.parse(entry.after) : entry.after;
  if (!after || typeof after !== 'object') {
    throw new HttpError(400, `audit_id: entry ${auditId} holds no state to restore`, 'audit_id', '该修改记录没有可恢复的内容');
  }
  return after as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The five staff routes of a versioned record, the same for points, sites, compounds and gates.

type RecordRow = { id: number; version: number; status: 'active' | 'closed'; street_code: string | null };
type Input = Record<string, unknown>;

export interface VersionedRecordSpec<Row extends RecordRow, Draft extends Placed> {
  /** Audit entity name: point, site, compound, gate. */
  entity: string;
  /** The data-change kind published after a write. */
  kind: DataKind;
  /** Collection path, e.g. /api/points. */
  path: string;
  tag: string;
  what: { en: string; zh: string };
  schemas: { create: TSchema; patch: TSchema; record: TSchema };
  /** Validates a complete input inside the transaction (may look up related rows); throws invalidInput. */
  prepare(trx: Transaction<Database>, input: Input, ctx: ValidationContext, current?: Row): Promise<Draft>;
  /** A stored record in the input shape, so that a PATCH merges onto it. */
  toInput(row: Row): Input;
  /** Adjusts a PATCH before merging (e.g. a new gate drops the old position). */
  mergePatch?(current: Input, changes: Input): Input;
  /** Default for a create body (e.g. the editor's own street). */
  createDefaults?(request: FastifyRequest, body: Input): Input;
  lock(trx: Transaction<Database>, id: number): Promise<Row | undefined>;
  insert(trx: Transaction<Database>, draft: Draft): Promise<Row>;
  update(trx: Transaction<Database>, id: number, draft: Draft, status?: 'active' | 'closed'): Promise<Row>;
  setStatus(trx: Transaction<Database>, id: number, status: 'active' | 'closed'): Promise<Row>;
  snapshot(row: Row): Record<string, unknown>;
  present(row: Row): unknown;
  /** The snapshot fields in the input shape, for restore. */
  snapshotAsInput(snapshot: Record<string, unknown>): Input;
}

const EDITOR_ROLES: StaffRole[] = ['admin', 'editor'];
const isStreetCode = (v: unknown): v is string => typeof v === 'string' && /^[0-9]{12}$/.test(v);

export function versionedRecordRoutes<Row extends RecordRow, Draft extends Placed>(
  spec: VersionedRecordSpec<Row, Draft>,
): FastifyPluginAsync {
  return async (app) => {
    const writeResponses = {
      400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(spec.schemas.record),
      422: ErrorResponse,
    };
    const changesFor = (before: Row | null, after: Row): DataChange[] =>
      [...new Set([before?.street_code ?? after.street_code, after.street_code])]
        .map((street) => ({ kind: spec.kind, ids: [after.id], street }));
    const lockOrThrow = async (trx: Transaction<Database>, id: number, request: FastifyRequest) => {
      const row = await spec.lock(trx, id);
      if (!row) throw notFound(`${spec.entity} ${id}`, `${spec.what.zh}（${id}）不存在`);
      app.assertStreetAccess(request, row.street_code);
      return row;
    };
    const audit = (trx: Transaction<Database>, request: FastifyRequest, action: string, before: Row | null, after: Row, extra: Input = {}) =>
      recordAudit(trx, {
        staff: staffOf(request), action, entity: spec.entity, entity_id: after.id, street_code: after.street_code,
        before: before ? spec.snapshot(before) : null, after: { ...spec.snapshot(after), ...extra },
      });

    app.post(spec.path, {
      preHandler: app.requireStaff(EDITOR_ROLES),
      schema: { tags: [spec.tag], summary: `Create a ${spec.entity} (street editor: own street)`, body: withConfirm(spec.schemas.create), response: { 201: spec.schemas.record, ...writeResponses } },
    }, async (request, reply) => {
      const { [CONFIRM_FIELD]: confirmed, ...body } = request.body as Input;
      const input = spec.createDefaults ? spec.createDefaults(request, body) : body;
      // Access before validation: a street the editor may not write gets 403, whatever else is wrong.
      if (isStreetCode(input.street_code)) app.assertStreetAccess(request, input.street_code);
      const [ctx, areas] = await Promise.all([app.validationContext(), app.areaIndex()]);
      const row = await commitEdit(app, async (trx) => {
        const draft = await spec.prepare(trx, input, ctx);
        app.assertStreetAccess(request, draft.street_code);
        placeDraft(areas, request, draft, confirmed === true, null, Boolean(input.community_code));
        const created = await spec.insert(trx, draft);
        await audit(trx, request, 'create', null, created);
        return { result: created, changes: changesFor(null, created) };
      });
      return reply.code(201).send(spec.present(row));
    });

    app.patch(`${spec.path}/:id`, {
      preHandler: app.requireStaff(EDITOR_ROLES),
      schema: {
        tags: [spec.tag], summary: `Edit a ${spec.entity}; the body carries the version it was based on (stale: 409 with the current record)`,
        params: IdParams, body: withConfirm(spec.schemas.patch), response: { 200: spec.schemas.record, ...writeResponses },
      },
    }, async (request) => {
      const { id } = request.params as { id: number };
      const { version, [CONFIRM_FIELD]: confirmed, ...changes } = request.body as Input & { version: number };
      const [ctx, areas] = await Promise.all([app.validationContext(), app.areaIndex()]);
      return spec.present(await commitEdit(app, async (trx) => {
        const before = await lockOrThrow(trx, id, request);
        checkVersion(spec.what, before, version, () => spec.present(before));
        if (isStreetCode(changes.street_code)) app.assertStreetAccess(request, changes.street_code);
        const current = spec.toInput(before);
        const merged = spec.mergePatch ? spec.mergePatch(current, changes) : { ...current, ...changes };
        const draft = await spec.prepare(trx, merged, ctx, before);
        if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
        // A community named in this edit is the editor's pick; a moved record gets the one at its new place.
        const moved = draft.lon !== current.lon || draft.lat !== current.lat;
        const picked = 'community_code' in changes ? Boolean(changes.community_code) : !moved && Boolean(current.community_code);
        placeDraft(areas, request, draft, confirmed === true, current, picked);
        const after = await spec.update(trx, before.id, draft);
        await audit(trx, request, 'update', before, after);
        return { result: after, changes: changesFor(before, after) };
      }));
    });

    const setStatus = async (request: FastifyRequest, id: number, version: number | undefined, status: 'active' | 'closed') =>
      spec.present(await commitEdit(app, async (trx) => {
        const before = await lockOrThrow(trx, id, request);
        checkVersion(spec.what, before, version, () => spec.present(before));
        if (before.status === status) return { result: before, changes: [] };
        const after = await spec.setStatus(trx, before.id, status);
        await audit(trx, request, status === 'closed' ? 'close' : 'reopen', before, after);
        return { result: after, changes: changesFor(before, after) };
      }));

    app.delete(`${spec.path}/:id`, {
      preHandler: app.requireStaff(EDITOR_ROLES),
      schema: {
        tags: [spec.tag], summary: `Close a ${spec.entity} (a soft delete: it leaves maps and the walking engine, and can be reopened)`,
        params: IdParams, querystring: VersionQuery, response: { 200: spec.schemas.record, ...writeResponses },
      },
    }, async (request) => setStatus(request, (request.params as { id: number }).id, (request.query as { version?: number }).version, 'closed'));

    app.post(`${spec.path}/:id/reopen`, {
      preHandler: app.requireStaff(EDITOR_ROLES),
      schema: { tags: [spec.tag], summary: `Reopen a closed ${spec.entity}`, params: IdParams, body: ReopenBody, response: { 200: spec.schemas.record, ...writeResponses } },
    }, async (request) => setStatus(request, (request.params as { id: number }).id, (request.body as { version?: number } | undefined)?.version, 'active'));

    app.post(`${spec.path}/:id/restore`, {
      preHandler: app.requireStaff(EDITOR_ROLES),
      schema: {
        tags: [spec.tag], summary: `Bring back the state an earlier audit entry of this ${spec.entity} recorded, as a new version`,
        params: IdParams, body: RestoreBody, response: { 200: spec.schemas.record, ...writeResponses },
      },
    }, async (request) => {
      const { id } = request.params as { id: number };
      const body = request.body as { audit_id: number; version: number; [CONFIRM_FIELD]?: boolean };
      const [ctx, areas] = await Promise.all([app.validationContext(), app.areaIndex()]);
      return spec.present(await commitEdit(app, async (trx) => {
        const before = await lockOrThrow(trx, id, request);
        checkVersion(spec.what, before, body.version, () => spec.present(before));
        const old = await auditSnapshot(trx, spec.entity, before.id, body.audit_id);
        const restored = spec.snapshotAsInput(old);
        const draft = await spec.prepare(trx, restored, ctx, before);
        if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
        placeDraft(areas, request, draft, body[CONFIRM_FIELD] === true, spec.toInput(before), Boolean(restored.community_code));
        const after = await spec.update(trx, before.id, draft, old.status === 'closed' ? 'closed' : 'active');
        await audit(trx, request, 'restore', before, after, { restored_from: body.audit_id });
        return { result: after, changes: changesFor(before, after) };
      }));
    });
  };
}
