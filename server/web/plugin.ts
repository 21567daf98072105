// Serves the built browser pages (web/dist, made by `vite build`) from our own origin: the resident
// map at /, the phone page behind each board's QR code at /m/site/:id, the staff pages at /admin.
// Hashed assets are cached for good; pages are revalidated; gzip/brotli copies made at build time are
// sent to browsers that accept them (a phone on a slow line gets MapLibre in a third of the bytes).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import { PROJECT_ROOT } from '../config.ts';
import { ErrorResponse } from '../http/geojson.ts';

export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export const webPages: FastifyPluginAsyncTypebox = async (app) => {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.log.warn('web/dist is missing: run "npm run build:web" (npm start does this) to serve the pages');
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      // Vite names every asset by its content hash; HTML entries keep their names and must be revalidated.
      reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? IMMUTABLE : 'no-cache');
    },
  });

  // The staff pages (issue 5): one HTML entry; the tabs route inside it with #hash.
  app.get('/admin', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-store').sendFile('admin.html'));

  app.get('/m/site/:id', {
    schema: {
      tags: ['pages'],
      summary: 'Phone page of a board site (what the board\'s QR code opens); ?profile= and ?lang=zh|en optional',
      params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
      querystring: Type.Object({
        profile: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$' })),
        lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
      }),
      response: { 200: Type.String({ description: 'text/html' }), 400: ErrorResponse },
    },
  }, (_request, reply) => { reply.sendFile('m.html'); });
};
