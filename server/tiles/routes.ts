// Serves the basemap: GET /style.json and GET /tiles/{z}/{x}/{y}.pbf. The tiles are cut from the
// network held in memory (built from the ways table on first use, rebuilt on a 'network' change).
// Tile URLs carry the data version, so a browser caches them for good and a new network gets new URLs.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest } from '../http/errors.ts';
import { Basemap } from './basemap.ts';
import { loadStreetWays, readStaticLayers } from './repository.ts';
import { basemapStyle } from './style.ts';
import type { DataChange } from '../events.ts';

export interface BasemapService {
  /** The current basemap, built on first use. */
  get(): Promise<Basemap>;
  /** Rebuilds from the database now (a 'network' change does this by itself, passing itself). */
  rebuild(change?: DataChange): Promise<Basemap>;
}

declare module 'fastify' {
  interface FastifyInstance { basemap: BasemapService }
}

const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'Mapbox Vector Tile 2.1 (protobuf)' });
const TileParams = Type.Object({
  z: Type.Integer({ minimum: 0, maximum: 22 }),
  x: Type.Integer({ minimum: 0, maximum: 4194303 }),
  y: Type.Integer({ minimum: 0, maximum: 4194303 }),
});
const VersionQuery = Type.Object({
  v: Type.Optional(Type.String({ pattern: '^[0-9a-f]{1,32}$', description: 'data version from the style; a matching version makes the response immutable' })),
}, { additionalProperties: false });
const StyleDocument = Type.Object({
  version: Type.Literal(8),
  name: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  center: Type.Array(Type.Number()),
  zoom: Type.Number(),
  sources: Type.Record(Type.String(), Type.Unknown()),
  layers: Type.Array(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: true });

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** 304 when the client already holds this version; otherwise sets the validator and returns false. */
function notModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('etag', etag);
  const held = request.headers['if-none-match'];
  if (held && held.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    reply.code(304).send();
    return true;
  }
  return false;
}

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  let current: Promise<Basemap> | undefined;
  const staticLayers = readStaticLayers(app.district);
  const staticDigest = createHash('sha256').update(JSON.stringify(staticLayers)).digest('hex');
  const build = async (change?: DataChange) => {
    const { ways, digest } = await loadStreetWays(await app.reads.forChange(change));
    // Let waiting requests through between reading the rows and cutting the index (a few hundred ms).
    await new Promise((resolve) => setImmediate(resolve));
    return new Basemap({ streets: ways, ...staticLayers }, { sourceDigest: digest + staticDigest });
  };
  const service: BasemapService = {
    get() {
      current ??= build().catch((err) => { current = undefined; throw err; });
      return current;
    },
    async rebuild(change) {
      const next = build(change);
      await next;
      current = next;
      return next;
    },
  };
  app.decorate('basemap', service);

  const stop = app.dataEvents.on((change) => {
    if (change.kind !== 'network' && change.kind !== 'resync') return;
    // Keep serving the old tiles until the new ones are ready.
    service.rebuild(change)
      .then((b) => app.log.info({ version: b.version }, 'basemap rebuilt after a network change'))
      .catch((err) => app.log.error({ err }, 'basemap rebuild failed; serving the previous network'));
  });
  app.addHook('onClose', async () => { stop(); });

  app.get('/style.json', {
    schema: {
      tags: ['basemap'],
      summary: 'MapLibre style of the basemap (no glyphs: labels use local fonts; only same-origin URLs)',
      response: { 200: StyleDocument, 304: Type.Null() },
    },
  }, async (request, reply) => {
    const basemap = await service.get();
    reply.header('cache-control', 'no-cache');
    if (notModified(request, reply, `"style-${basemap.version}"`)) return reply;
    return basemapStyle({ version: basemap.version, bounds: basemap.bounds, districtName: app.district.name_zh }) as never;
  });

  app.get('/tiles/:z/:x/:y.pbf', {
    schema: {
      tags: ['basemap'],
      summary: 'One vector tile of the basemap: layers streets, subway, areas',
      params: TileParams,
      querystring: VersionQuery,
      response: { 200: Binary, 204: Type.Null(), 304: Type.Null(), 400: ErrorResponse },
    },
  }, async (request, reply) => {
    const { z, x, y } = request.params;
    if (!Basemap.validAddress(z, x, y)) {
      throw badRequest(x >= 2 ** z ? 'x' : 'y', `must be below 2^z = ${2 ** z} at zoom ${z}`, `瓦片编号超出第 ${z} 级的范围`);
    }
    const basemap = await service.get();
    reply.header('cache-control', request.query.v === basemap.version ? IMMUTABLE : 'no-cache');
    reply.header('vary', 'accept-encoding');
    if (notModified(request, reply, `"${basemap.version}"`)) return reply;
    const tile = basemap.tile(z, x, y);
    if (!tile) return reply.code(204).send(null);
    reply.type('application/vnd.mapbox-vector-tile');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      tile.gzip ??= zlib.gzipSync(tile.pbf, { level: 6 });
      reply.header('content-encoding', 'gzip');
      return reply.send(tile.gzip);
    }
    return reply.send(tile.pbf);
  });
};

export const basemapTiles = fp(plugin, { name: 'basemap-tiles' });
