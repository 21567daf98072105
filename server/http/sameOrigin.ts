// The CORS policy: the API serves only the service's own pages. A browser on another origin gets no
// CORS headers (so it cannot read answers), and its preflights and state-changing requests are refused
// with a 403 that says why: defence in depth beside SameSite cookies and the CSRF token.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The origins this service answers as: the public base URL, and whatever host the request was sent to. */
export function isOwnOrigin(app: FastifyInstance, request: FastifyRequest, origin: string): boolean {
  let url: URL;
  try { url = new URL(origin); } catch { return false; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.origin === new URL(app.config.publicBaseUrl).origin) return true;
  // Same host and port as the request itself (LAN address, localhost, the name behind a proxy);
  // read through URL so that an explicit default port (:80, :443) compares equal.
  try { return url.host === new URL(`${url.protocol}//${request.host}`).host; } catch { return false; }
}

async function sameOriginPolicy(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === '') return;
    const preflight = request.method === 'OPTIONS';
    if ((preflight || !SAFE_METHODS.has(request.method)) && !isOwnOrigin(app, request, origin)) {
      throw new HttpError(403,
        `Cross-origin request from ${origin.slice(0, 100)} refused: this service answers only its own pages`,
        'origin', '拒绝跨域请求：本服务只接受本站页面的请求');
    }
  });

  await app.register(cors, {
    hideOptionsRoute: true,
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      const allowed = typeof origin === 'string' && isOwnOrigin(app, request as FastifyRequest, origin);
      callback(null, allowed ? {
        origin: true,
        credentials: true,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['content-type', 'x-csrf-token'],
        maxAge: 600,
      } : { origin: false });
    },
  });
}

export const sameOrigin = fp(sameOriginPolicy, { name: 'same-origin' });
