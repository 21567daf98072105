// Serves the built browser pages (web/dist, made by `vite build`) from our own origin.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PROJECT_ROOT } from '../config.ts';

export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

export const webPages: FastifyPluginAsync = async (app) => {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.log.warn('web/dist is missing: run "npm run build:web" (npm start does this) to serve the pages');
    return;
  }
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', index: ['index.html'], maxAge: '1h', immutable: false });
  // The staff pages (issue 5): one HTML entry; the tabs route inside it with #hash.
  app.get('/admin', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-store').sendFile('admin.html'));
};
