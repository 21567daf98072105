// Compressed answers: every JSON and text answer goes out as brotli or gzip when the client accepts
// it (a reach answer shrinks to about a fifth). Tiles and the built pages carry their own
// content-encoding and pass through untouched; binary answers (PDF, XLSX, PNG) are not touched.
// The options are exported so that answers compressed elsewhere (the reach workers,
// server/network/reachWorker.ts) come out byte for byte as this plugin would make them.
import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import { negotiate } from '@fastify/accept-negotiator';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/** JSON, GeoJSON, text (HTML, CSV, iCalendar), SVG/XML and scripts; never event streams or octet-stream. */
export const COMPRESSIBLE_TYPES = /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)xml(?:;|$)|\/javascript(?:;|$)/;
/** The encodings offered, best first. */
export const ENCODINGS = ['br', 'gzip'] as const;
export type AnswerEncoding = typeof ENCODINGS[number];
/** Answers smaller than this (bytes) go out as they are. */
export const COMPRESS_THRESHOLD = 1024;
// Brotli 5 and gzip 6: the lower brotli qualities (2–4) cost half the CPU but leave the largest
// fresh reach answers (55 KB of JSON in the densest streets) at the 12 KB limit; 5 keeps them ~8 % under.
const brotliText = (quality: number): zlib.BrotliOptions => ({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } });
export const BROTLI_OPTIONS = brotliText(5);
export const GZIP_OPTIONS: zlib.ZlibOptions = { level: 6 };
/**
 * Brotli 3, for answers that are small already and asked for fresh all the time (a reach answer with
 * packed rings, ~14 KB of JSON): 0.21 ms against 0.51 ms at 5, for 4.0 KB against 3.7 KB.
 */
export const BROTLI_FAST_OPTIONS = brotliText(3);

async function compression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    encodings: [...ENCODINGS],
    customTypes: COMPRESSIBLE_TYPES,
    threshold: COMPRESS_THRESHOLD,
    // Answers here are tens of KB: compressing them in one synchronous call costs less CPU than a stream.
    syncThreshold: 256 * 1024,
    brotliOptions: BROTLI_OPTIONS,
    zlibOptions: GZIP_OPTIONS,
  });
}

export const compressionPlugin = fp(compression, { name: 'compression' });

/**
 * The encoding the plugin above would give a JSON answer for these request headers (its own
 * negotiation: x-no-compression, accept-encoding with `*` and `x-gzip` read as gzip), or null.
 */
export function negotiatedEncoding(headers: IncomingHttpHeaders): AnswerEncoding | null {
  if (headers['x-no-compression'] !== undefined) return null;
  const accept = headers['accept-encoding'];
  if (typeof accept !== 'string') return null;
  const chosen = negotiate(accept.toLowerCase().replace(/\*|x-gzip/gu, 'gzip'), [...ENCODINGS]);
  return chosen === 'br' || chosen === 'gzip' ? chosen : null;
}

/** A JSON answer compressed as the plugin would (null when it is under the threshold), or with brotli options of its own. */
export function compressAnswer(bytes: Uint8Array, encoding: AnswerEncoding, brotli: zlib.BrotliOptions = BROTLI_OPTIONS): Buffer | null {
  if (bytes.byteLength < COMPRESS_THRESHOLD) return null;
  return encoding === 'br' ? zlib.brotliCompressSync(bytes, brotli) : zlib.gzipSync(bytes, GZIP_OPTIONS);
}
