// The store behind @fastify/rate-limit's per-route limits: counts in the database (one upsert per
// limited request), so several instances behind a load balancer give an address each limit once, not
// once per instance. Fixed windows that start at an address's first request on a route, as the
// library's own in-memory store counts; rows whose windows ended long ago are removed as new windows
// open, so no timer is needed.
import { sql, type Kysely } from 'kysely';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Database } from '../db/schema.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

// What the library passes to a store (its types say route options; at run time it is the route's merged
// limit settings, with the route under routeInfo).
interface RouteParams { routeInfo?: { method?: string | string[]; url?: string } }

/** A store class for `@fastify/rate-limit`'s `store` option, counting in `db()`. */
export function databaseRateLimitStore(db: () => Kysely<Database>): FastifyRateLimitStoreCtor {
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    private readonly route: string;

    constructor(params: unknown = {}) {
      const info = (params as RouteParams).routeInfo ?? {};
      const method = Array.isArray(info.method) ? info.method.join(',') : info.method ?? '';
      this.route = `${method} ${info.url ?? ''}`;
    }

    incr(key: string, cb: Callback, timeWindowMs: number): void {
      countRequest(db(), `${this.route}|${key}`, timeWindowMs).then((r) => cb(null, r), (err: Error) => cb(err));
    }

    read(key: string, cb: Callback, timeWindowMs: number): void {
      readWindow(db(), `${this.route}|${key}`, timeWindowMs).then((r) => cb(null, r), (err: Error) => cb(err));
    }

    child(params: unknown): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore(params);
    }
  };
}

/** Counts one request in `key`'s window (one statement: requests on two instances at once are both counted). */
export async function countRequest(db: Kysely<Database>, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const w = windowMs / 1000;
  const expired = sql<boolean>`rate_limit_windows.window_start <= now() - make_interval(secs => ${w})`;
  const row = await db.insertInto('rate_limit_windows')
    .values({ key, hits: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      hits: sql<number>`case when ${expired} then 1 else rate_limit_windows.hits + 1 end`,
      window_start: sql<Date>`case when ${expired} then now() else rate_limit_windows.window_start end`,
    }))
    .returning([sql<number>`hits`.as('hits'), sql<number>`greatest(0, ceil(extract(epoch from (window_start + make_interval(secs => ${w}) - now())) * 1000))::bigint`.as('ttl')])
    .executeTakeFirstOrThrow();
  const current = Number(row.hits);
  if (current === 1) {
    await db.deleteFrom('rate_limit_windows').where('window_start', '<', sql<Date>`now() - make_interval(secs => ${Math.max(w * 10, 3600)})`).execute();
  }
  return { current, ttl: Number(row.ttl) };
}

async function readWindow(db: Kysely<Database>, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const w = windowMs / 1000;
  const row = await db.selectFrom('rate_limit_windows')
    .select(['hits', sql<number>`ceil(extract(epoch from (window_start + make_interval(secs => ${w}) - now())) * 1000)::bigint`.as('ttl')])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row || Number(row.ttl) <= 0) return { current: 0, ttl: 0 };
  return { current: Number(row.hits), ttl: Number(row.ttl) };
}
