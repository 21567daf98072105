// Compounds and gates: public reads (boards and coverage show them) and the staff write routes
// (create, edit with version, close, reopen, restore; server/records/editing.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { notFound } from '../http/errors.ts';
import { defaultStreet, invalidInput, versionedRecordRoutes } from '../records/editing.ts';
import { IdParams, StreetCode } from '../records/schemas.ts';
import {
  compoundForGate, compoundSnapshot, gateSnapshot, getCompound, insertCompound, insertGate, listCompounds, listGates, lockCompound, lockGate,
  setCompoundStatus, setGateStatus, updateCompound, updateGate, validateCompound, validateGate,
  type CompoundDraft, type CompoundRow, type GateDraft, type GateRow,
} from './repository.ts';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('closed')]);

export const GateRecord = Type.Object({
  id: Type.Integer(), compound_id: Type.Integer(), compound_name: Type.String(), street_code: Type.String(), name: Type.String(),
  step_free: Type.Boolean(), lon: Type.Number(), lat: Type.Number(), is_sample: Type.Boolean(), sample_label: Type.Optional(Type.String()),
  status: Status, version: Type.Integer(), updated_at: Type.String(),
});

export const CompoundRecord = Type.Object({
  id: Type.Integer(), street_code: Type.String(), street_name: Type.String(),
  community_code: Nullable(Type.String()), community_name: Nullable(Type.String()),
  name: Type.String(), address: Nullable(Type.String()), households: Nullable(Type.Integer()), residents: Nullable(Type.Integer()),
  lon: Nullable(Type.Number()), lat: Nullable(Type.Number()), is_sample: Type.Boolean(), sample_label: Type.Optional(Type.String()),
  status: Status, version: Type.Integer(), updated_at: Type.String(), gate_count: Type.Integer(),
});

const sampleLabel = (isSample: boolean) => (isSample ? { sample_label: '示例' } : {});
export const presentCompound = (r: CompoundRow) => ({ ...r, gate_count: Number(r.gate_count), updated_at: new Date(r.updated_at).toISOString(), ...sampleLabel(r.is_sample) });
export const presentGate = (r: GateRow) => ({ ...r, updated_at: new Date(r.updated_at).toISOString(), ...sampleLabel(r.is_sample) });

const CompoundFields = {
  name: Type.String({ maxLength: 200 }),
  street_code: Type.Optional(Type.String({ maxLength: 20, description: "defaults to the editor's street" })),
  community_code: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 400 }))),
  households: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  residents: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  lon: Type.Optional(Nullable(Type.Number())),
  lat: Type.Optional(Nullable(Type.Number())),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84' })),
};
const GateFields = {
  compound_id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  name: Type.String({ maxLength: 200, description: 'e.g. 南门, 东门' }),
  step_free: Type.Optional(Type.Boolean({ default: true, description: 'passable without steps (wheelchairs, prams)' })),
  lon: Type.Number(),
  lat: Type.Number(),
  crs: Type.Optional(Type.Union([Type.Literal('WGS84'), Type.Literal('GCJ-02'), Type.Literal('BD-09')], { default: 'WGS84' })),
};
const optionalAll = <T extends Record<string, any>>(fields: T) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)]));

const CompoundCreateBody = Type.Object(CompoundFields, { additionalProperties: false });
const CompoundPatchBody = Type.Object({ version: Type.Integer({ minimum: 1 }), ...optionalAll(CompoundFields) }, { additionalProperties: false });
const GateCreateBody = Type.Object(GateFields, { additionalProperties: false });
const GatePatchBody = Type.Object({ version: Type.Integer({ minimum: 1 }), ...optionalAll(GateFields) }, { additionalProperties: false });

export const compoundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/compounds', {
    schema: {
      tags: ['compounds'], summary: 'Compounds (小区) with the number of open gates',
      querystring: Type.Object({
        street: Type.Optional(StreetCode),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')])),
        sample: Type.Optional(Type.Boolean()),
        q: Type.Optional(Type.String({ maxLength: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ compounds: Type.Array(CompoundRecord) }), 400: ErrorResponse },
    },
  }, async (request) => ({ compounds: (await listCompounds(app.db, request.query)).map(presentCompound) }));

  app.get('/api/compounds/:id', {
    schema: {
      tags: ['compounds'], summary: 'One compound with its gates', params: IdParams,
      querystring: Type.Object({ gates: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')])) }, { additionalProperties: false }),
      response: { 200: Type.Intersect([CompoundRecord, Type.Object({ gates: Type.Array(GateRecord) })]), 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const row = await getCompound(app.db, request.params.id);
    if (!row) throw notFound(`compound ${request.params.id}`, `小区 ${request.params.id} 不存在`);
    const gates = await listGates(app.db, { compound_id: row.id, status: request.query.gates ?? 'all' });
    return { ...presentCompound(row), gates: gates.map(presentGate) };
  });

  app.get('/api/gates', {
    schema: {
      tags: ['compounds'], summary: 'Compound gates (where residents step onto the street network)',
      querystring: Type.Object({
        compound_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
        street: Type.Optional(StreetCode),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')])),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ gates: Type.Array(GateRecord) }), 400: ErrorResponse },
    },
  }, async (request) => ({ gates: (await listGates(app.db, request.query)).map(presentGate) }));

  await app.register(versionedRecordRoutes<CompoundRow, CompoundDraft>({
    entity: 'compound', kind: 'compounds', path: '/api/compounds', tag: 'compounds',
    what: { en: 'The compound', zh: '该小区' },
    schemas: { create: CompoundCreateBody, patch: CompoundPatchBody, record: CompoundRecord },
    async prepare(_trx, input, ctx) {
      const { draft, issues } = validateCompound(input, ctx);
      if (!draft) throw invalidInput(issues);
      return draft;
    },
    toInput: (r) => ({
      name: r.name, street_code: r.street_code, community_code: r.community_code, address: r.address,
      households: r.households, residents: r.residents, lon: r.lon, lat: r.lat, crs: 'WGS84',
    }),
    createDefaults: (request, body) => ({ ...body, street_code: defaultStreet(request, body.street_code as string | undefined) }),
    lock: lockCompound, insert: insertCompound, update: updateCompound, setStatus: setCompoundStatus,
    snapshot: compoundSnapshot, present: presentCompound,
    snapshotAsInput: (old) => ({ ...old, crs: 'WGS84' }),
  }));

  await app.register(versionedRecordRoutes<GateRow, GateDraft>({
    entity: 'gate', kind: 'compounds', path: '/api/gates', tag: 'compounds',
    what: { en: 'The gate', zh: '该大门' },
    schemas: { create: GateCreateBody, patch: GatePatchBody, record: GateRecord },
    async prepare(trx, input, ctx) {
      const compoundId = Number(input.compound_id);
      const compound = Number.isInteger(compoundId) && compoundId > 0
        ? await compoundForGate(trx, compoundId)
        : undefined;
      const { draft, issues } = validateGate(input, ctx, compound);
      if (!draft) throw invalidInput(issues);
      return draft;
    },
    toInput: (r) => ({ compound_id: r.compound_id, name: r.name, step_free: r.step_free, lon: r.lon, lat: r.lat, crs: 'WGS84' }),
    lock: lockGate, insert: insertGate, update: updateGate, setStatus: setGateStatus,
    snapshot: gateSnapshot, present: presentGate,
    snapshotAsInput: (old) => ({ ...old, crs: 'WGS84' }),
  }));
};
