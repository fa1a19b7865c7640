import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from '../platform/ensure-dir.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { StateStoreError } from './errors.js';

/**
 * Writes `text` to `file` so that after a power cut the file holds either the old or the new
 * content, never a torn or empty one: write `file.tmp`, fsync it, keep the previous version as
 * `file.bak`, rename tmp over file, fsync the directory (rename durability on ext4, see
 * ext4(5) `auto_da_alloc` and LWN "ext4 and data loss", 2009). Synchronous on purpose: it runs
 * a few times an hour, and synchronous I/O keeps virtual-time simulation deterministic.
 * The directory fsync goes through `platform`: best-effort where the OS cannot fsync a directory
 * (Windows). Fails fast, never retries: the caller decides.
 * @throws StateStoreError when the directory is not writable
 */
export function writeDurable(file: string, text: string, platform: Platform = createPlatform()): void {
  const dir = dirname(file);
  const tmp = `${file}.tmp`;
  try {
    ensureDir(dir);
    const fd = openSync(tmp, 'w', 0o640);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (existsSync(file)) renameSync(file, `${file}.bak`);
    renameSync(tmp, file);
    platform.fsyncDirectory(dir);
  } catch (e) {
    throw new StateStoreError(file, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * Reads `file`, falling back to `file.bak` when the main file is missing, empty or rejected by
 * `parse` (a crash between the two renames of {@link writeDurable} leaves only the backup).
 * Returns `undefined` when neither exists (first start).
 * @throws StateStoreError when a file exists but neither copy parses
 */
export function readDurable<T>(file: string, parse: (text: string) => T): T | undefined {
  const errors: string[] = [];
  for (const candidate of [file, `${file}.bak`]) {
    let text: string;
    try {
      text = readFileSync(candidate, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      errors.push(`${candidate}: ${(e as Error).message}`);
      continue;
    }
    try {
      return parse(text);
    } catch (e) {
      errors.push(`${candidate}: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new StateStoreError(file, `unreadable state (${errors.join('; ')})`);
  return undefined;
}
