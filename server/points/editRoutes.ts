// Staff routes that change service points: create, edit (with the version it was based on), close
// (soft delete), reopen and restore an earlier version from the audit log. Street editors write only
// their own street; viewers read. Each write commits with its audit row, then the walking engine hears of it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordAudit } from '../audit/audit.ts';
import { ErrorResponse } from '../http/geojson.ts';
import { notFound } from '../http/errors.ts';
import {
  auditSnapshot, checkVersion, commitEdit, ConflictResponse, defaultStreet, invalidInput, ReopenBody, RestoreBody,
  staffOf, ValidationErrorResponse, VersionQuery,
} from './editing.ts';
import { pointFeature } from './present.ts';
import type { ServicePointRow } from './repository.ts';
import { IdParams, PointCreateBody, PointFeature, PointPatchBody } from './schemas.ts';
import { issue, validatePoint, type PointDraft, type PointInput, type ValidationContext } from './validation.ts';
import { externalIdTaken, insertPoint, lockPoint, pointAsInput, pointSnapshot, setPointStatus, updatePoint } from './writes.ts';

const POINT = { en: 'The point', zh: '该服务点' };
const editors = ['admin', 'editor'] as const;

const writeResponses = {
  400: ValidationErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ConflictResponse(PointFeature),
};

export const pointEditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const present = (row: ServicePointRow) => pointFeature(row, app.catalog);

  /**
   * Validates a full input; 400 with every problem, or the draft. The context is fetched before the
   * transaction opens: the embedded engine has one connection, and the transaction holds it.
   */
  async function draftFrom(input: PointInput, ctx: ValidationContext, trx: Transaction<Database>, exceptId?: number): Promise<PointDraft> {
    const { draft, issues } = validatePoint(input, ctx);
    if (draft && await externalIdTaken(trx, draft.external_id, exceptId)) {
      issues.push(issue('external_id', `"${draft.external_id}" is already used by another point`, `“${draft.external_id}”已被其他服务点使用`));
    }
    if (!draft || issues.length) throw invalidInput(issues);
    return draft;
  }

  async function lockOrThrow(trx: Transaction<Database>, id: number, request: FastifyRequest): Promise<ServicePointRow> {
    const row = await lockPoint(trx, id);
    if (!row) throw notFound(`point ${id}`, `服务点 ${id} 不存在`);
    app.assertStreetAccess(request, row.street_code);
    return row;
  }

  app.post('/api/points', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['points'], summary: 'Create a service point (street editor: own street)',
      body: PointCreateBody, response: { 201: PointFeature, ...writeResponses },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const input = { ...request.body, street_code: defaultStreet(request, request.body.street_code) };
    const ctx = await app.validationContext();
    const row = await commitEdit(app, async (trx) => {
      const draft = await draftFrom(input, ctx, trx);
      app.assertStreetAccess(request, draft.street_code);
      const created = await insertPoint(trx, draft, 'manual');
      await recordAudit(trx, { staff, action: 'create', entity: 'point', entity_id: created.id, street_code: created.street_code, after: pointSnapshot(created) });
      return { result: created, changes: [{ kind: 'points', ids: [created.id], street: created.street_code }] };
    });
    return reply.code(201).send(present(row));
  });

  app.patch('/api/points/:id', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['points'], summary: 'Edit a service point; the body carries the version it was based on (stale: 409 with the current record)',
      params: IdParams, body: PointPatchBody, response: { 200: PointFeature, ...writeResponses },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const { version, ...changes } = request.body;
    const ctx = await app.validationContext();
    return present(await commitEdit(app, async (trx) => {
      const before = await lockOrThrow(trx, request.params.id, request);
      checkVersion(POINT, before, version, () => present(before));
      const draft = await draftFrom({ ...pointAsInput(before), ...changes }, ctx, trx, before.id);
      if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
      const after = await updatePoint(trx, before.id, draft);
      await recordAudit(trx, { staff, action: 'update', entity: 'point', entity_id: after.id, street_code: after.street_code, before: pointSnapshot(before), after: pointSnapshot(after) });
      const streets = [...new Set([before.street_code, after.street_code])];
      return { result: after, changes: streets.map((street) => ({ kind: 'points' as const, ids: [after.id], street })) };
    }));
  });

  const setStatus = (status: 'active' | 'closed') => async (request: FastifyRequest, id: number, version: number | undefined) => {
    const staff = staffOf(request);
    return present(await commitEdit(app, async (trx) => {
      const before = await lockOrThrow(trx, id, request);
      checkVersion(POINT, before, version, () => present(before));
      if (before.status === status) return { result: before, changes: [] };
      const after = await setPointStatus(trx, before.id, status);
      await recordAudit(trx, {
        staff, action: status === 'closed' ? 'close' : 'reopen', entity: 'point', entity_id: after.id, street_code: after.street_code,
        before: pointSnapshot(before), after: pointSnapshot(after),
      });
      return { result: after, changes: [{ kind: 'points', ids: [after.id], street: after.street_code }] };
    }));
  };
  const close = setStatus('closed');
  const reopen = setStatus('active');

  app.delete('/api/points/:id', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['points'], summary: 'Close a service point (a soft delete: it leaves maps and the walking engine, and can be reopened)',
      params: IdParams, querystring: VersionQuery, response: { 200: PointFeature, ...writeResponses },
    },
  }, async (request) => close(request, request.params.id, request.query.version));

  app.post('/api/points/:id/reopen', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['points'], summary: 'Reopen a closed service point',
      params: IdParams, body: ReopenBody, response: { 200: PointFeature, ...writeResponses },
    },
  }, async (request) => reopen(request, request.params.id, request.body?.version));

  app.post('/api/points/:id/restore', {
    preHandler: app.requireStaff([...editors]),
    schema: {
      tags: ['points'], summary: 'Bring back the state recorded by an earlier audit entry of this point (as a new version)',
      params: IdParams, body: RestoreBody, response: { 200: PointFeature, ...writeResponses },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const ctx = await app.validationContext();
    return present(await commitEdit(app, async (trx) => {
      const before = await lockOrThrow(trx, request.params.id, request);
      checkVersion(POINT, before, request.body.version, () => present(before));
      const old = await auditSnapshot(trx, 'point', before.id, request.body.audit_id);
      const draft = await draftFrom({ ...old, category: old.category_id, crs: 'WGS84' } as PointInput, ctx, trx, before.id);
      if (draft.street_code !== before.street_code) app.assertStreetAccess(request, draft.street_code);
      const status = old.status === 'closed' ? 'closed' : 'active';
      const after = await updatePoint(trx, before.id, draft, status);
      await recordAudit(trx, { staff, action: 'restore', entity: 'point', entity_id: after.id, street_code: after.street_code, before: pointSnapshot(before), after: { ...pointSnapshot(after), restored_from: request.body.audit_id } });
      const streets = [...new Set([before.street_code, after.street_code])];
      return { result: after, changes: streets.map((street) => ({ kind: 'points' as const, ids: [after.id], street })) };
    }));
  });
};
