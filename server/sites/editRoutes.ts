// Staff routes that change board sites: create, edit, close, reopen, restore (server/records/editing.ts).
// A compound-gate site hangs at a gate: it takes the gate's compound and street, and its position
// unless the editor places it elsewhere (a board may stand a few metres from the gate).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { Feature } from '../http/geojson.ts';
import { defaultStreet, invalidInput, versionedRecordRoutes } from '../records/editing.ts';
import type { BoardSiteRow } from './repository.ts';
import { siteFeature, SiteProperties } from './present.ts';
import { findGate, insertSite, lockSite, setSiteStatus, siteAsInput, siteSnapshot, updateSite, validateSite, type SiteDraft } from './writes.ts';

const SiteFields = {
  kind: Type.Union([Type.Literal('service_center'), Type.Literal('compound_gate')]),
  name: Type.String({ maxLength: 200 }),
  street_code: Type.Optional(Type.String({ maxLength: 20, description: "defaults to the gate's street, or the editor's street" })),
  community_code: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  gate_id: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 2147483647 }), Type.Null()], { description: 'required for kind compound_gate' })),
  lon: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: "omit at a gate to use the gate's position" })),
  lat: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84' })),
};

export const SiteCreateBody = Type.Object(SiteFields, { additionalProperties: false });
export const SitePatchBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  ...Object.fromEntries(Object.entries(SiteFields).map(([k, v]) => [k, Type.Optional(v)])),
}, { additionalProperties: false });

export const siteEditRoutes: FastifyPluginAsync = async (app) => {
  await app.register(versionedRecordRoutes<BoardSiteRow, SiteDraft>({
    entity: 'site',
    kind: 'sites',
    path: '/api/sites',
    tag: 'sites',
    what: { en: 'The board site', zh: '该展板站点' },
    schemas: { create: SiteCreateBody, patch: SitePatchBody, record: Feature(SiteProperties) },
    async prepare(trx, input, ctx) {
      const gateId = Number(input.gate_id);
      const gate = input.kind === 'compound_gate' && Number.isInteger(gateId) && gateId > 0 ? await findGate(trx, gateId) : undefined;
      const { draft, issues } = validateSite(input, ctx, gate);
      if (!draft) throw invalidInput(issues);
      return draft;
    },
    toInput: siteAsInput,
    // Moving a site to another gate moves it to that gate unless a new position comes with the edit.
    mergePatch: (current, changes) => {
      // (only a compound-gate site stands at a gate: a gate_id on a service center does not move it)
      const atGate = (changes.kind ?? current.kind) === 'compound_gate';
      const movedGate = atGate && changes.gate_id !== undefined && changes.gate_id !== current.gate_id && changes.lon === undefined && changes.lat === undefined;
      return { ...current, ...(movedGate ? { lon: undefined, lat: undefined } : {}), ...changes };
    },
    createDefaults: (request, body) => ({ ...body, street_code: body.kind === 'compound_gate' ? body.street_code : defaultStreet(request, body.street_code as string | undefined) }),
    lock: lockSite,
    insert: insertSite,
    update: updateSite,
    setStatus: setSiteStatus,
    snapshot: siteSnapshot,
    present: (row) => siteFeature(row, app.config.publicBaseUrl),
    snapshotAsInput: (old) => ({ ...old, crs: 'WGS84' }),
  }));
};
