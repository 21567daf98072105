// Readiness, distinct from /api/health: GET /api/ready answers 200 while this instance should get
// traffic (the walking engine is loaded and the database answers) and 503 while it drains before a
// shutdown. A load balancer checks it (docs/operations.md, "Upgrading"); /api/health stays the
// figures about the data. While draining, every answer asks the client to close its connection, so
// that proxies and browsers move to another instance without waiting for this one to go away.
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { RETRY_AFTER_S } from './resilience.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether this instance still takes traffic; `drain()` turns it not-ready for good. */
    readiness: { readonly draining: boolean; drain(): void };
  }
}

const ReadyAnswer = Type.Object({ ready: Type.Literal(true) });
/** Not ready: the API's one error shape, plus `ready: false`. */
const NotReadyAnswer = Type.Object({
  ready: Type.Literal(false),
  statusCode: Type.Literal(503),
  error: Type.String(),
  message: Type.String(),
  message_zh: Type.String(),
});

async function readiness(app: FastifyInstance): Promise<void> {
  let draining = false;
  app.decorate('readiness', {
    get draining() { return draining; },
    drain() { draining = true; },
  });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });

  app.get('/api/ready', {
    schema: {
      tags: ['meta'],
      summary: 'Readiness for a load balancer: 200 when this instance takes traffic, 503 while it starts or drains',
      response: { 200: ReadyAnswer, 503: NotReadyAnswer },
    },
  }, async (_request, reply) => {
    const notReady = (message: string, message_zh: string) => {
      reply.code(503).header('retry-after', String(RETRY_AFTER_S)).header('cache-control', 'no-store');
      return { ready: false as const, statusCode: 503 as const, error: 'Service Unavailable', message, message_zh };
    };
    if (draining) return notReady('Not ready: draining before shutdown', '未就绪：即将停止，正在移交流量');
    if (!app.hasDecorator('walking')) return notReady('Not ready: the walking engine is not loaded yet', '未就绪：步行引擎尚未加载');
    try {
      await sql`select 1`.execute(app.db);
    } catch {
      return notReady('Not ready: the database does not answer', '未就绪：数据库无响应');
    }
    reply.header('cache-control', 'no-store');
    return { ready: true as const };
  });
}

export const readinessPlugin = fp(readiness, { name: 'readiness' });
