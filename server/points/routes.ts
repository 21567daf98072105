// Public read routes for service points.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, ODBL_ATTRIBUTION, parseBbox } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { countPoints, getPoint, listPoints } from './repository.ts';
import { pointFeature, sampleNotice } from './present.ts';
import { PointCollection, PointFeature, PointListQuery } from './schemas.ts';
import { IdParams } from '../records/schemas.ts';

export const pointReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/points', {
    schema: {
      tags: ['points'],
      summary: 'Service points as an RFC 7946 FeatureCollection',
      querystring: PointListQuery,
      response: { 200: PointCollection, 400: ErrorResponse },
    },
  }, async (request) => {
    const q = request.query;
    const categories = q.category?.split(',');
    for (const c of categories ?? []) {
      if (!app.catalog.categoryById.has(c)) {
        throw badRequest('category', `unknown category "${c}"; known: ${app.catalog.categories.map((x) => x.id).join(', ')}`, `category：未知类别 ${c}`);
      }
    }
    const filters = {
      categories, street: q.street, bbox: parseBbox(q.bbox), status: q.status ?? 'active',
      sample: q.sample, q: q.q, limit: q.limit ?? 5000, offset: q.offset,
    } as const;
    const [rows, total] = await Promise.all([listPoints(app.db, filters), countPoints(app.db, filters)]);
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => pointFeature(r, app.catalog)),
      total,
      ...sampleNotice(rows.some((r) => r.is_sample)),
      attribution: ODBL_ATTRIBUTION,
    };
  });

  app.get('/api/points/:id', {
    schema: {
      tags: ['points'],
      summary: 'One service point',
      params: IdParams,
      response: { 200: PointFeature, 400: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const row = await getPoint(app.db, request.params.id);
    if (!row) throw notFound(`point ${request.params.id}`, `服务点 ${request.params.id} 不存在`);
    return pointFeature(row, app.catalog);
  });
};
