// The whole API surface for the reliability tests: the app built on a fresh database copy with every
// route recorded as it registers (method, URL, schemas), and real ids to put into path parameters, so
// that a test can drive every route there is — including routes added after these tests were written.
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../helper.ts';

export interface RouteEntry {
  method: string;
  /** Fastify's pattern, e.g. /api/points/:id */
  url: string;
  schema: FastifySchema | undefined;
}

export interface SurfaceApp {
  app: FastifyInstance;
  database: TestDatabase;
  routes: RouteEntry[];
  close(): Promise<void>;
}

/** Routes that belong to libraries, not to this service (the OpenAPI viewer's files, CORS preflight). */
export const isLibraryRoute = (r: RouteEntry) => r.url.startsWith('/docs') || r.method === 'OPTIONS';

export async function buildSurfaceApp(engine: 'under-test' | 'embedded' = 'under-test'): Promise<SurfaceApp> {
  const database = await openTestDatabase(engine);
  const seen = new Map<string, RouteEntry>();
  const record = (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue; // the automatic HEAD twin of every GET
      seen.set(`${method} ${route.url}`, { method, url: route.url, schema: route.schema });
    }
  };
  const app = await buildApp({
    config: loadConfig({ publicBaseUrl: 'http://test.local' }), database: database.handle, logger: false, onRoute: record,
  });
  await app.ready();
  return {
    app, database, routes: [...seen.values()],
    async close() { await app.close(); await database.drop(); },
  };
}

/** Real ids from the test database, one per kind of record, for path parameters. */
export async function knownIds(app: FastifyInstance): Promise<Record<string, string>> {
  const first = async (table: string): Promise<string> => {
    const { rows } = await sql<{ v: string }>`select id::text as v from ${sql.table(table)} order by id limit 1`.execute(app.db);
    return rows[0]?.v ?? '1';
  };
  return {
    point: await first('service_points'),
    site: await first('board_sites'),
    compound: await first('compounds'),
    gate: await first('compound_gates'),
    visit: await first('desk_visits'),
    plan: await first('desk_plans'),
    request: await first('desk_requests'),
    user: await first('staff_users'),
    street: '120103003000',
    category: 'elder_care',
    topic: (await sql<{ id: string }>`select id from desk_request_topics order by sort_order limit 1`.execute(app.db)).rows[0]?.id ?? 'other',
    service: (await sql<{ id: string }>`select id from desk_services order by sort_order limit 1`.execute(app.db)).rows[0]?.id ?? 'x',
    // A place inside Hexi on the walking network: where an active point of the sample set stands.
    ...await sql<{ lon: string; lat: string }>`
      select ST_X(geom)::text as lon, ST_Y(geom)::text as lat from service_points where status = 'active' order by id limit 1`
      .execute(app.db).then((r) => r.rows[0]),
  };
}

/** The path with each :param replaced by a plausible real value (ids of the right kind of record). */
export function fillPath(url: string, ids: Record<string, string>, override?: { param: string; value: string }): string {
  const kind = url.includes('/points') ? 'point' : url.includes('/sites') || url.includes('/m/site') || url.includes('/site/') ? 'site'
    : url.includes('/compounds') ? 'compound' : url.includes('/gates') ? 'gate' : url.includes('/plans') ? 'plan'
      : url.includes('/requests') ? 'request' : url.includes('/visits') ? 'visit' : url.includes('/users') ? 'user' : 'point';
  const tile: Record<string, string> = { z: '14', x: '13525', y: '6218' };
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (override && override.param === name) return override.value;
    if (name in tile) return tile[name];
    if (name === 'street' || name === 'code') return ids.street;
    if (name === 'category') return ids.category;
    return ids[kind] ?? '1';
  });
}

export const pathParams = (url: string): string[] => [...url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);

/** A desk visit that took place yesterday at a board site (requests can be recorded at it), made through the API. */
export async function pastDeskVisit(
  app: FastifyInstance,
  inject: (opts: import('fastify').InjectOptions) => Promise<import('light-my-request').Response>,
  extra: Record<string, unknown> = {},
  dayOffset = -1,
): Promise<{ id: number; street_code: string }> {
  const day = new Date(Date.now() + 8 * 3600_000 + dayOffset * 86_400_000).toISOString().slice(0, 10); // Asia/Shanghai
  const { rows: [site] } = await sql<{ id: number; street_code: string }>`
    select id, street_code from board_sites where status = 'active' and street_code = '120103003000' order by id limit 1`.execute(app.db);
  const { rows: [service] } = await sql<{ id: string }>`select id from desk_services where active order by sort_order limit 1`.execute(app.db);
  const res = await inject({
    method: 'POST', url: '/api/desks/visits',
    payload: { street_code: site.street_code, date: day, start_time: '09:00', end_time: '11:30', place: { kind: 'site', site_id: site.id }, services: [service.id], ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`could not create a desk visit: ${res.statusCode} ${res.body}`);
  return { id: res.json().id, street_code: site.street_code };
}
