// The report form's signed token: issued by GET /api/reports/token, carried back with the report. It
// names the device (a random id the phone keeps) and expires; the HMAC key is made once and kept in the
// database, so a token issued by one instance is accepted by every other. No puzzles (适老化).
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export const TOKEN_LIFETIME_S = 2 * 3600;
const DEVICE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface FormToken { device: string; issuedAt: number; expiresAt: number }

export function newDeviceId(): string { return crypto.randomBytes(16).toString('base64url'); }
export const isDeviceId = (value: unknown): value is string => typeof value === 'string' && DEVICE_PATTERN.test(value);

/** The signing key: created by whichever instance asks first (the insert is idempotent), then cached. */
export async function loadFormKey(db: Kysely<Database>): Promise<Buffer> {
  await db.insertInto('report_form_keys').values({ id: 1, secret: crypto.randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('id').doNothing()).execute();
  const row = await db.selectFrom('report_form_keys').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return Buffer.from(row.secret, 'base64url');
}

const mac = (key: Buffer, payload: string) => crypto.createHmac('sha256', key).update(payload).digest('base64url');

export function signFormToken(key: Buffer, device: string, now = Date.now()): { token: string; expires_at: string } {
  const issuedAt = Math.floor(now / 1000);
  const payload = `v1.${device}.${issuedAt}.${issuedAt + TOKEN_LIFETIME_S}`;
  return { token: `${payload}.${mac(key, payload)}`, expires_at: new Date((issuedAt + TOKEN_LIFETIME_S) * 1000).toISOString() };
}

/** The token's content, or why it is refused ('broken' | 'expired'). */
export function readFormToken(key: Buffer, token: string, now = Date.now()): FormToken | 'broken' | 'expired' {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return 'broken';
  const [, device, iat, exp, signature] = parts;
  const expected = mac(key, parts.slice(0, 4).join('.'));
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return 'broken';
  if (!isDeviceId(device) || !/^\d{9,11}$/.test(iat) || !/^\d{9,11}$/.test(exp)) return 'broken';
  if (Number(exp) * 1000 < now) return 'expired';
  return { device, issuedAt: Number(iat), expiresAt: Number(exp) };
}

/** A stable, non-reversible key for the device and the address (the raw values are not stored). */
export const hashKey = (key: Buffer, kind: string, value: string) => crypto.createHmac('sha256', key).update(`${kind}:${value}`).digest('base64url').slice(0, 32);

