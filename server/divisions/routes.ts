// Reference data: streets, communities, categories, profiles, and the service's health.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ODBL_ATTRIBUTION } from '../http/geojson.ts';
import { dataFigures, streetsWithCommunities } from './repository.ts';
import { CatalogResponse, StreetsResponse } from './schemas.ts';

export const referenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/health', {
    schema: {
      tags: ['meta'],
      summary: 'Engine, network size and loaded data',
      response: {
        200: Type.Object({
          status: Type.Literal('ok'),
          engine: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
          postgis: Type.String(),
          network: Type.Object({ ways: Type.Integer(), walkable_ways: Type.Integer(), km: Type.Number() }),
          points: Type.Object({ active: Type.Integer(), sample: Type.Integer() }),
          sites: Type.Integer(),
          compounds: Type.Integer(),
          streets: Type.Integer(),
          attribution: Type.String(),
        }, { additionalProperties: true }),
      },
    },
  }, async () => {
    const figures = await dataFigures(app.db);
    return {
      status: 'ok' as const,
      engine: app.database.engine,
      ...figures,
      attribution: ODBL_ATTRIBUTION,
    };
  });

  app.get('/api/categories', {
    schema: {
      tags: ['meta'],
      summary: 'The 10 service categories, the 3 dimensions and the walking profiles (from data/*.json)',
      response: { 200: CatalogResponse },
    },
  }, async () => ({ categories: app.catalog.categories, dimensions: app.catalog.dimensions, profiles: app.catalog.profiles }));

  app.get('/api/streets', {
    schema: {
      tags: ['meta'],
      summary: 'The streets (街道) of the district with their communities (社区)',
      response: { 200: StreetsResponse },
    },
  }, async () => streetsWithCommunities(app.db));
};
