import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TerrariumError } from '../errors.js';
import type { Platform } from './platform.js';

/** Another controller holds the state directory; a second one must not run on it. */
export class InstanceLockedError extends TerrariumError {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super('STATE_DIR_LOCKED', `another controller (pid ${holderPid}) is running on this state directory (lock ${lockFile}); stop it first, or use another controller.stateDir`);
  }
}

/** What the lock file holds (JSON). */
interface LockContent {
  pid: number;
  bootId?: string;
}

/** Is a process alive? `process.kill(pid, 0)`: ESRCH = gone; EPERM = alive, owned by another user. */
export type IsAlive = (pid: number) => boolean;

/** The real liveness probe. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A single-instance lock on a state directory: `<stateDir>/terrarium.lock`, created with O_EXCL
 * (`wx`), holding the owner's pid and boot id. A lock left by a crash is taken over when its pid
 * is gone, is our own pid, or was written in an earlier boot (pids restart at every boot, so an
 * old pid may belong to an unrelated process now). Release deletes the file if it is still ours.
 */
export class InstanceLock {
  readonly file: string;
  private held = false;

  constructor(
    stateDir: string,
    private readonly platform: Platform,
    private readonly pid: number = process.pid,
    private readonly isAlive: IsAlive = processIsAlive,
  ) {
    this.file = join(stateDir, 'terrarium.lock');
  }

  /**
   * Takes the lock (the state directory must exist).
   * @throws InstanceLockedError when a live controller holds it
   * @throws NodeJS.ErrnoException when the file cannot be created for another reason
   */
  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.file, 'wx', 0o644);
        try {
          writeSync(fd, JSON.stringify({ pid: this.pid, bootId: this.platform.bootId() } satisfies LockContent));
        } finally {
          closeSync(fd);
        }
        this.held = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = this.read();
      if (holder && this.isLive(holder)) throw new InstanceLockedError(this.file, holder.pid);
      rmSync(this.file, { force: true }); // stale: left by a crash
    }
    const holder = this.read();
    throw new InstanceLockedError(this.file, holder?.pid ?? -1);
  }

  /** Deletes the lock file if this process still holds it. Never throws. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      if (this.read()?.pid === this.pid) rmSync(this.file, { force: true });
    } catch {
      /* nothing to release */
    }
  }

  private isLive(holder: LockContent): boolean {
    if (holder.pid === this.pid) return false;
    const boot = this.platform.bootId();
    if (boot !== undefined && holder.bootId !== undefined && boot !== holder.bootId) return false;
    return this.isAlive(holder.pid);
  }

  /** The lock's content; undefined when missing or unreadable (a torn write counts as stale). */
  private read(): LockContent | undefined {
    try {
      const c = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<LockContent>;
      return typeof c.pid === 'number' && Number.isInteger(c.pid) && c.pid > 0 ? { pid: c.pid, bootId: typeof c.bootId === 'string' ? c.bootId : undefined } : undefined;
    } catch {
      return undefined;
    }
  }
}
