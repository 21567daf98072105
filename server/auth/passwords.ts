// Password hashing (argon2id) and the password rules for staff accounts.
import crypto from 'node:crypto';
import argon2, { type HashOptions } from 'argon2';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * argon2id at the library's defaults (64 MiB, 3 passes, 4 lanes). Only under the test runner (vitest sets
 * VITEST in its workers, and the service processes tests start inherit it) a small memory cost and one
 * lane: a suite that makes and signs in hundreds of accounts would otherwise spend minutes hashing, with
 * both cores taken by each hash. A hash records its own cost, so either kind verifies anywhere.
 */
const HASH_OPTIONS: HashOptions & { raw?: false } = process.env.VITEST
  ? { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 }
  : { type: argon2.argon2id };

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try { return await argon2.verify(hash, password); } catch { return false; }
}

/** A hash that no password matches, verified against unknown usernames so timing does not reveal them. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}

/** 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): easy to read out, ~115 bits. */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i += 1) {
    const v = bytes[i];
    if (v < 256 - (256 % alphabet.length)) out += alphabet[v % alphabet.length];
  }
  return out.length === length ? out : generatePassword(length);
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 200) return 'must have at most 200 characters';
  if (new Set(password).size < 5) return 'is too repetitive';
  return undefined;
}
