import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, posix, resolve, win32 } from 'node:path';

/** The file-system calls the platform layer needs; tests inject fakes that fail like Windows or macOS. */
export interface PlatformFs {
  openSync(path: string, flags: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  readFileSync(path: string, encoding: 'utf8'): string;
}

/**
 * Where the controller's operating system differs, in one place: directory fsync, the status
 * socket's address, the signals that mean "stop", the boot id. Everything else in the controller
 * is the same on Linux (the Pi), macOS and Windows (simulated mode).
 */
export interface Platform {
  /** `process.platform` this behaves as. */
  readonly os: NodeJS.Platform;
  /**
   * Makes a rename in `dir` durable (fsync of the directory). Where the OS cannot open or fsync a
   * directory (Windows: EPERM/EISDIR/EINVAL/EACCES; NTFS makes renames durable through its
   * journal) this is a no-op; on Linux and macOS a failure is real and throws.
   * @throws NodeJS.ErrnoException on a real failure
   */
  fsyncDirectory(dir: string): void;
  /**
   * The address of the status socket for a state directory: a Unix socket `<stateDir>/terrarium.sock`;
   * on Windows a named pipe `\\.\pipe\terrarium-<hash>`; where the Unix path is longer than
   * {@link MAX_SOCKET_PATH_BYTES} (macOS `sun_path` is 104 bytes including the NUL), a short path in
   * the temp directory, `terrarium-<hash>.sock`. The hash is of the absolute state directory, so the
   * controller and `terrarium status` compute the same address.
   */
  statusSocketPath(stateDir: string): string;
  /** Signals handled like SIGTERM (drive outputs safe, exit 0). */
  readonly shutdownSignals: readonly NodeJS.Signals[];
  /** An id that changes at every boot (Linux `/proc/sys/kernel/random/boot_id`), or undefined where none exists. */
  bootId(): string | undefined;
  /**
   * Per-user directory where running controllers announce themselves (see `registry.ts`):
   * `$TERRARIUM_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/terrarium` (Linux, systemd), else
   * `<temp>/terrarium-<uid>` (macOS: the per-user `$TMPDIR`; Windows: `%TEMP%`).
   */
  runtimeDir(): string;
  /**
   * Per-user state directory for a controller started without a configuration file
   * (`terrarium run --simulate`): `$TERRARIUM_STATE_DIR`, else Linux `$XDG_STATE_HOME/terrarium`
   * or `~/.local/state/terrarium`, macOS `~/Library/Application Support/terrarium`, Windows
   * `%LOCALAPPDATA%\terrarium`.
   */
  userStateDir(): string;
}

/** Longest Unix socket path used as is, bytes: macOS `sun_path` holds 104 including the NUL (Linux 108). */
export const MAX_SOCKET_PATH_BYTES = 103;

/** Error codes meaning "this OS cannot fsync a directory", per OS. */
const DIR_FSYNC_UNSUPPORTED: Partial<Record<NodeJS.Platform, ReadonlySet<string>>> = {
  win32: new Set(['EPERM', 'EISDIR', 'EINVAL', 'EACCES']),
};

/** Short, stable name for a state directory (first 16 hex digits of SHA-256 of its absolute path). */
export function stateDirHash(stateDir: string): string {
  return createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
}

/**
 * The platform layer for `os` (default: the running one).
 * @param o.os the OS to behave as
 * @param o.fs file-system calls (default: node:fs)
 * @param o.tmp the temp directory for short socket paths (default: os.tmpdir())
 */
export function createPlatform(o: { os?: NodeJS.Platform; fs?: PlatformFs; tmp?: string; env?: NodeJS.ProcessEnv; home?: string; uid?: number } = {}): Platform {
  const os = o.os ?? process.platform;
  const env = o.env ?? process.env;
  const tmp = o.tmp ?? tmpdir();
  const home = o.home ?? homedir();
  const uid = o.uid ?? (typeof process.getuid === 'function' ? process.getuid() : 0);
  const pathJoin = os === 'win32' ? win32.join : posix.join;
  const fs: PlatformFs = o.fs ?? { openSync, fsyncSync, closeSync, readFileSync };
  const unsupported = DIR_FSYNC_UNSUPPORTED[os] ?? new Set<string>();
  return {
    os,
    fsyncDirectory(dir: string): void {
      let fd: number;
      try {
        fd = fs.openSync(dir, 'r');
      } catch (e) {
        if (unsupported.has((e as NodeJS.ErrnoException).code ?? '')) return;
        throw e;
      }
      try {
        fs.fsyncSync(fd);
      } catch (e) {
        if (!unsupported.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      } finally {
        fs.closeSync(fd);
      }
    },
    statusSocketPath(stateDir: string): string {
      if (os === 'win32') return `\\\\.\\pipe\\terrarium-${stateDirHash(stateDir)}`;
      const path = join(resolve(stateDir), 'terrarium.sock');
      if (Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES) return path;
      return join(tmp, `terrarium-${stateDirHash(stateDir)}.sock`);
    },
    shutdownSignals: os === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP'],
    bootId(): string | undefined {
      if (os !== 'linux') return undefined;
      try {
        return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    },
    runtimeDir(): string {
      if (env.TERRARIUM_RUNTIME_DIR) return env.TERRARIUM_RUNTIME_DIR;
      if (os === 'linux' && env.XDG_RUNTIME_DIR) return pathJoin(env.XDG_RUNTIME_DIR, 'terrarium');
      return pathJoin(tmp, `terrarium-${uid}`);
    },
    userStateDir(): string {
      if (env.TERRARIUM_STATE_DIR) return env.TERRARIUM_STATE_DIR;
      if (os === 'win32') return pathJoin(env.LOCALAPPDATA ?? pathJoin(home, 'AppData', 'Local'), 'terrarium');
      if (os === 'darwin') return pathJoin(home, 'Library', 'Application Support', 'terrarium');
      return pathJoin(env.XDG_STATE_HOME ?? pathJoin(home, '.local', 'state'), 'terrarium');
    },
  };
}
