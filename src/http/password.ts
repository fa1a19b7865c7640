import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HttpSecurityError } from './errors.js';

/**
 * scrypt cost parameters: N = 2^13 (CPU/memory cost), r = 8 (block size), p = 10 (parallelism),
 * 16-byte salt, 32-byte key. Source: OWASP Password Storage Cheat Sheet, "scrypt": "a minimum
 * CPU/memory cost parameter of (2^17), a minimum block size of 8 (1024 bytes), and a
 * parallelization parameter of 1", with equally strong alternatives down to
 * "N=2^13 (8 MiB), r=8 (1024 bytes), p=10", the one needing the least memory: 8 MiB per login,
 * the same CPU time as the others. On a Raspberry Pi a login then costs the controller as little
 * resident memory as it can (the C library may keep a freed block of that size), leaving control
 * its headroom. The parameters are stored in the file with the hash, so they can be changed later
 * without invalidating a stored password (files written with N = 2^14, p = 5 still verify).
 */
export const SCRYPT_PARAMS = { N: 2 ** 13, r: 8, p: 10, saltBytes: 16, keyBytes: 32 } as const;

/** Shortest and longest password accepted by `terrarium passwd`, characters. */
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const;

/** The password file's default place: `<stateDir>/http-password`. */
export function defaultPasswordFile(stateDir: string): string {
  return join(stateDir, 'http-password');
}

/** A stored hash: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>` (one line). */
export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function derive(password: string, salt: Buffer, h: { N: number; r: number; p: number }, keyBytes: number): Promise<Buffer> {
  // maxmem: scrypt needs 128 * N * r * p bytes at most; Node's default (32 MiB) is too small for some valid files.
  const opts: ScryptOptions = { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyBytes, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes `password` with a fresh random salt and {@link SCRYPT_PARAMS}; returns the file line. Runs in the libuv pool (never on the control loop). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, { N, r, p }, keyBytes);
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Parses a password file line.
 * @throws HttpSecurityError `HTTP_PASSWORD_FILE` when it is not a `scrypt$...` line with sane parameters
 */
export function parsePasswordHash(line: string, file: string): PasswordHash {
  const parts = line.trim().split('$');
  const [tag, n, r, p, salt, key] = parts;
  const num = (s: string | undefined): number => (s !== undefined && /^\d+$/.test(s) ? Number(s) : NaN);
  const h = { N: num(n), r: num(r), p: num(p) };
  const ok = parts.length === 6 && tag === 'scrypt' && Number.isInteger(Math.log2(h.N)) && h.N >= 2 ** 10 && h.N <= 2 ** 20 && h.r >= 1 && h.r <= 32 && h.p >= 1 && h.p <= 16;
  if (!ok || !salt || !key) throw new HttpSecurityError('HTTP_PASSWORD_FILE', `${file}: not a password hash written by \`terrarium passwd\`; run it again`);
  return { ...h, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/** True when `password` matches `hash` (constant-time comparison of the derived keys). */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const key = await derive(password, hash.salt, hash, hash.key.length);
  return key.length === hash.key.length && timingSafeEqual(key, hash.key);
}

/**
 * Reads the password file: `undefined` when it does not exist (no password set).
 * @throws HttpSecurityError `HTTP_PASSWORD_FILE` when it is readable by group or others, unreadable or malformed
 */
export async function readPasswordFile(file: string): Promise<PasswordHash | undefined> {
  let text: string;
  try {
    const st = await stat(file);
    if ((st.mode & 0o077) !== 0) throw new HttpSecurityError('HTTP_PASSWORD_FILE', `${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it or run \`terrarium passwd\` again`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof HttpSecurityError) throw e;
    throw new HttpSecurityError('HTTP_PASSWORD_FILE', `${file}: cannot read the password file (${(e as Error).message})`);
  }
  return parsePasswordHash(text, file);
}

/**
 * Writes `line` to `file` with mode 0600, atomically (temporary file in the same directory, fsync,
 * rename), so a crash leaves the old or the new password, never half a file.
 */
export function writePasswordFile(file: string, line: string): void {
  const tmp = join(dirname(file), `.http-password.${process.pid}.tmp`);
  rmSync(tmp, { force: true }); // a leftover could carry a wider mode
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Checks a new password's length ({@link PASSWORD_LENGTH}).
 * @throws HttpSecurityError `HTTP_PASSWORD_WEAK` naming the rule
 */
export function checkNewPassword(password: string): void {
  const n = [...password].length;
  if (n < PASSWORD_LENGTH.min) throw new HttpSecurityError('HTTP_PASSWORD_WEAK', `the password needs at least ${PASSWORD_LENGTH.min} characters`);
  if (n > PASSWORD_LENGTH.max) throw new HttpSecurityError('HTTP_PASSWORD_WEAK', `the password may have at most ${PASSWORD_LENGTH.max} characters`);
}
