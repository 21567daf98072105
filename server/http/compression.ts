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
    // Brotli 2 and gzip 4: on a reach answer's rings (24 KB) brotli 2 costs 40 % less CPU than
    // brotli 4 for 1 % more bytes, and a third of brotli 5's; most taps are computed fresh, so CPU counts.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } },
    zlibOptions: { level: 4 },
  });
}

export const compressionPlugin = fp(compression, { name: 'compression' });
