// Staff routes that change service points: POST /api/points, PATCH /api/points/:id (with the version it
// was based on), DELETE (close, a soft delete), POST …/reopen and …/restore (an earlier version from the
// audit log). Street editors write only their own street; viewers read. See editing.ts for the shared path.
import type { FastifyPluginAsync } from 'fastify';
import { pointFeature } from './present.ts';
import type { ServicePointRow } from './repository.ts';
import { PointCreateBody, PointFeature, PointPatchBody } from './schemas.ts';
import { defaultStreet, invalidInput, versionedRecordRoutes } from '../records/editing.ts';
import { issue, validatePoint, type PointDraft } from '../records/validation.ts';
import { externalIdTaken, insertPoint, lockPoint, pointAsInput, pointSnapshot, setPointStatus, updatePoint } from './writes.ts';

export const pointEditRoutes: FastifyPluginAsync = async (app) => {
  await app.register(versionedRecordRoutes<ServicePointRow, PointDraft>({
    entity: 'point',
    kind: 'points',
    path: '/api/points',
    tag: 'points',
    what: { en: 'The point', zh: '该服务点' },
    schemas: { create: PointCreateBody, patch: PointPatchBody, record: PointFeature },
    async prepare(trx, input, ctx, current) {
      const { draft, issues } = validatePoint(input, ctx);
      if (draft && await externalIdTaken(trx, draft.external_id, current?.id)) {
        issues.push(issue('external_id', `"${draft.external_id}" is already used by another point`, `“${draft.external_id}”已被其他服务点使用`));
      }
      if (!draft || issues.length) throw invalidInput(issues);
      return draft;
    },
    toInput: pointAsInput,
    createDefaults: (request, body) => ({ ...body, street_code: defaultStreet(request, body.street_code as string | undefined) }),
    lock: lockPoint,
    insert: (trx, draft) => insertPoint(trx, draft, 'manual'),
    update: updatePoint,
    setStatus: setPointStatus,
    snapshot: pointSnapshot,
    present: (row) => pointFeature(row, app.catalog),
    snapshotAsInput: (old) => ({ ...old, category: old.category_id, crs: 'WGS84' }),
  }));
};
