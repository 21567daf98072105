// Password hashing (argon2id) and the password rules for staff accounts.
import crypto from 'node:crypto';
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
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
