// Public read routes for board sites.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, FeatureCollection } from '../http/geojson.ts';
import { notFound } from '../http/errors.ts';
import { StreetCode, IdParams } from '../records/schemas.ts';
import { getSite, listSites } from './repository.ts';
import { siteFeature, SiteFeature, SiteProperties } from './present.ts';

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
      response: { 200: SiteFeature, 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const row = await getSite(app.db, request.params.id);
    if (!row) throw notFound(`site ${request.params.id}`, `站点 ${request.params.id} 不存在`);
    return siteFeature(row, app.config.publicBaseUrl);
  });
};
