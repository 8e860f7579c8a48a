/**
 * Password hashing, session ids and API tokens, all from node:crypto.
 *
 * Passwords: scrypt (memory-hard). N=2^15, r=8, p=1 costs 32 MiB and about
 * 0.1 s per hash on a small gateway CPU; the parameters are stored with each
 * hash so they can be raised later without invalidating old passwords.
 * Session ids and API tokens are 256-bit random values; the store keeps only
 * their SHA-256, so a copy of the database cannot be used to log in.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal user names. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  return dummyHash;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** API tokens look like `gh_<43 chars>`; the first 10 characters are shown in listings. */
export function newApiToken(): { token: string; prefix: string } {
  const token = `gh_${randomToken(32)}`;
  return { token, prefix: token.slice(0, 10) };
}

/** A readable random password for the first admin when none was configured. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
