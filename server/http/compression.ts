// Compressed answers: every JSON and text answer goes out as brotli or gzip when the client accepts
// it (a reach answer shrinks to about a fifth). Tiles and the built pages carry their own
// content-encoding and pass through untouched; binary answers (PDF, XLSX, PNG) are not touched.
import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** JSON, GeoJSON, text (HTML, CSV, iCalendar), SVG/XML and scripts; never event streams or octet-stream. */
export const COMPRESSIBLE_TYPES = /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)xml(?:;|$)|\/javascript(?:;|$)/;

async function compression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE_TYPES,
    threshold: 1024,
    // Answers here are tens of KB: compressing them in one synchronous call costs less CPU than a stream.
    syncThreshold: 256 * 1024,
    // Brotli 5 and gzip 6: the lower brotli qualities (2–4) cost half the CPU but leave the largest
    // fresh reach answers (55 KB of JSON in the densest streets) at the 12 KB limit; 5 keeps them ~8 % under.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } },
    zlibOptions: { level: 6 },
  });
}

export const compressionPlugin = fp(compression, { name: 'compression' });
