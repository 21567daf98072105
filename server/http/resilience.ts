// The service bounds its own work: under event-loop or memory pressure, or while the database is
// unreachable, it answers 503 with Retry-After instead of queueing until it falls over; it comes back
// by itself when the pressure passes or the database returns.
import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

export const RETRY_AFTER_S = 5;

async function resilience(app: FastifyInstance): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: app.config.maxEventLoopDelayMs,
    maxHeapUsedBytes: app.config.maxHeapMb * 1024 * 1024,
    retryAfter: RETRY_AFTER_S,
    healthCheckInterval: 2000,
    healthCheck: async () => {
      try {
        await sql`select 1`.execute(app.db);
        return true;
      } catch {
        return false;
      }
    },
    pressureHandler: (request, reply, type) => {
      const database = type === 'healthCheck';
      reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({
        // /api/ready's 503 answer requires `ready: false`: without it the answer failed its schema and went out as a 500.
        ...(request.routeOptions.url === '/api/ready' ? { ready: false } : {}),
        statusCode: 503,
        error: 'Service Unavailable',
        message: database ? 'The database is unavailable; the service will recover by itself. Try again shortly.'
          : 'The service is busy; try again in a few seconds.',
        message_zh: database ? '数据库暂时不可用，服务会自动恢复，请稍后再试' : '服务繁忙，请几秒后再试',
      });
    },
  });
}

export const resiliencePlugin = fp(resilience, { name: 'resilience' });

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
]);

/** True when an error means "the database is not there right now" rather than a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i
    .test(e.message ?? '');
}
