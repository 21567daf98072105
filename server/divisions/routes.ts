// Reference data: streets, communities, categories, profiles, and the service's health.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import { ODBL_ATTRIBUTION } from '../http/geojson.ts';
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
    const [network, points, counts, postgis] = await Promise.all([
      app.db.selectFrom('ways').select([
        sql<number>`count(*)`.as('ways'),
        sql<number>`count(*) filter (where walkable)`.as('walkable_ways'),
        sql<number>`coalesce(sum(length_m), 0) / 1000`.as('km'),
      ]).executeTakeFirstOrThrow(),
      app.db.selectFrom('service_points').select([
        sql<number>`count(*) filter (where status = 'active')`.as('active'),
        sql<number>`count(*) filter (where is_sample)`.as('sample'),
      ]).executeTakeFirstOrThrow(),
      sql<{ sites: number; compounds: number; streets: number }>`
        select (select count(*) from board_sites where status = 'active') as sites,
               (select count(*) from compounds where status = 'active') as compounds,
               (select count(*) from streets) as streets`.execute(app.db),
      sql<{ v: string }>`select postgis_lib_version() as v`.execute(app.db),
    ]);
    return {
      status: 'ok' as const,
      engine: app.database.engine,
      postgis: postgis.rows[0].v,
      network: { ways: Number(network.ways), walkable_ways: Number(network.walkable_ways), km: Math.round(Number(network.km) * 10) / 10 },
      points: { active: Number(points.active), sample: Number(points.sample) },
      sites: Number(counts.rows[0].sites),
      compounds: Number(counts.rows[0].compounds),
      streets: Number(counts.rows[0].streets),
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
  }, async () => {
    const streets = await app.db.selectFrom('streets').select(['code', 'name']).orderBy('code').execute();
    const communities = await app.db.selectFrom('communities')
      .select(['code', 'name', 'street_code', sql<number | null>`ST_X(approx_geom)`.as('lon'), sql<number | null>`ST_Y(approx_geom)`.as('lat')])
      .orderBy('code').execute();
    return streets.map((s) => ({
      ...s,
      communities: communities.filter((c) => c.street_code === s.code).map(({ code, name, lon, lat }) => ({ code, name, lon, lat })),
    }));
  });
};
