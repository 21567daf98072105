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
import { getSite } from '../sites/repository.ts';

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

  // A wrong or unknown site (a mistyped address, a board of a closed site) is still a page, with a 404:
  // the phone page itself says so in the resident's language, with its toolbar and a way on.
  app.get('/m/site/:id', {
    schema: {
      tags: ['pages'],
      summary: 'Phone page of a board site (what the board\'s QR code opens); ?profile=, ?lang=zh|en and ?v= (the printed content version) optional',
      params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
      querystring: Type.Object({
        profile: Type.Optional(Type.String({ maxLength: 40 })),
        lang: Type.Optional(Type.String({ maxLength: 10 })),
        v: Type.Optional(Type.String({ maxLength: 40 })),
      }),
      response: { 200: Type.String({ description: 'text/html' }), 404: Type.String({ description: 'text/html: the page saying the site was not found' }) },
    },
  }, async (request, reply) => {
    const id = /^[1-9][0-9]{0,9}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    const site = id <= 2147483647 ? await getSite(app.db, id) : undefined;
    reply.header('cache-control', 'no-cache');
    return reply.code(site && site.status === 'active' ? 200 : 404).sendFile('m.html');
  });
};
