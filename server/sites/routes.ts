// Public read routes for board sites.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, Feature, FeatureCollection } from '../http/geojson.ts';
import { notFound } from '../http/errors.ts';
import { StreetCode, IdParams } from '../records/schemas.ts';
import { getSite, listSites, type BoardSiteRow } from './repository.ts';

export const SiteProperties = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('service_center'), Type.Literal('compound_gate')]),
  name: Type.String(),
  street_code: Type.String(),
  street_name: Type.String(),
  community_code: Type.Union([Type.String(), Type.Null()]),
  community_name: Type.Union([Type.String(), Type.Null()]),
  compound_id: Type.Union([Type.Integer(), Type.Null()]),
  compound_name: Type.Union([Type.String(), Type.Null()]),
  gate_id: Type.Union([Type.Integer(), Type.Null()]),
  is_sample: Type.Boolean(),
  sample_label: Type.Optional(Type.String()),
  status: Type.String(),
  version: Type.Integer(),
  updated_at: Type.String(),
  mobile_url: Type.String(),
});

export function siteFeature(row: BoardSiteRow, publicBaseUrl: string) {
  return {
    type: 'Feature' as const,
    id: row.id,
    geometry: { type: 'Point' as const, coordinates: [row.lon, row.lat] },
    properties: {
      id: row.id, kind: row.kind, name: row.name, street_code: row.street_code, street_name: row.street_name,
      community_code: row.community_code, community_name: row.community_name, compound_id: row.compound_id,
      compound_name: row.compound_name, gate_id: row.gate_id, is_sample: row.is_sample,
      ...(row.is_sample ? { sample_label: '示例' } : {}),
      status: row.status, version: row.version, updated_at: new Date(row.updated_at).toISOString(),
      mobile_url: `${publicBaseUrl}/m/site/${row.id}`,
    },
  };
}

export const siteReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/sites', {
    schema: {
      tags: ['sites'],
      summary: 'Board sites (community service centers and compound gates)',
      querystring: Type.Object({
        street: Type.Optional(StreetCode),
        kind: Type.Optional(Type.Union([Type.Literal('service_center'), Type.Literal('compound_gate')])),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('all')])),
      }, { additionalProperties: false }),
      response: { 200: FeatureCollection(SiteProperties), 400: ErrorResponse },
    },
  }, async (request) => {
    const rows = await listSites(app.db, request.query);
    return { type: 'FeatureCollection' as const, features: rows.map((r) => siteFeature(r, app.config.publicBaseUrl)) };
  });

  app.get('/api/sites/:id', {
    schema: {
      tags: ['sites'],
      summary: 'One board site',
      params: IdParams,
      response: { 200: Feature(SiteProperties), 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const row = await getSite(app.db, request.params.id);
    if (!row) throw notFound(`site ${request.params.id}`, `站点 ${request.params.id} 不存在`);
    return siteFeature(row, app.config.publicBaseUrl);
  });
};
