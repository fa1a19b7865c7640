import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Linux's RAM disk; present on every systemd distribution (and Raspberry Pi OS). */
const RAM_DISK = '/dev/shm';

/** A private, throw-away state directory for one simulated controller. */
export interface SimStateDir {
  /** Absolute path (created, empty). */
  readonly dir: string;
  /** Deletes the directory and everything in it. Idempotent. */
  remove(): void;
}

/**
 * Creates a fresh state directory for a simulation: on the RAM disk when the OS has one, else in
 * the temp directory. The controller still writes its state document durably (tmp file, fsync,
 * rename, directory fsync), exactly as on a Pi; on a RAM disk the fsyncs cost nothing, where on a
 * real disk each one took 2-10 ms, which was most of a simulated tick's wall time at the state
 * document's 5-minute cadence. Durability across power cuts is
 * meaningless for a simulated terrarium, so nothing is lost.
 * @param prefix directory name prefix, e.g. `terrarium-sim-`
 */
export function createSimStateDir(prefix: string): SimStateDir {
  const base = existsSync(RAM_DISK) ? RAM_DISK : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
