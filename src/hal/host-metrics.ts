import { readFile, readdir, statfs as fsStatfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from './command-runner.js';
import {
  type LoadAverage,
  type MemoryInfo,
  type ThrottleFlags,
  decodeThrottled,
  parseLoadavg,
  parseMeminfo,
  parseMillidegrees,
  parseSysfsThrottled,
  parseVcgencmdThrottled,
} from './host-metrics-parse.js';

export * from './host-metrics-parse.js';

/** A metric that may not exist on this machine: a laptop has no Pi firmware, some no thermal zone. */
export type Metric<T> = { available: true; value: T } | { available: false; reason: string };

/** Space on the file system holding a directory, bytes. */
export interface DiskSpace {
  /** Free for unprivileged users (`f_bavail x f_bsize`, statfs(2)): what the service user can write. */
  freeBytes: number;
  totalBytes: number;
}

/** The subset of `fs.statfs` results used. */
export interface StatfsResult {
  bsize: number;
  blocks: number;
  bavail: number;
}

/** Where and how {@link HostMetricsReader} reads. Roots are parameters so tests use fake trees. */
export interface HostMetricsOptions {
  /** sysfs root, default `/sys`. */
  sysRoot?: string;
  /** procfs root, default `/proc`. */
  procRoot?: string;
  /** Directory whose file system's free space is reported (the state directory). */
  stateDir: string;
  /** Runs `vcgencmd` when the sysfs `get_throttled` file is absent; without it there is no fallback. */
  runner?: Pick<CommandRunner, 'run'>;
  /** CPUs for load per CPU; default `os.availableParallelism()`. */
  cpuCount?: number;
  /** Resident set size of this process, bytes; default `process.memoryUsage.rss`. */
  rss?: () => number;
  /** `fs.promises.statfs` by default. */
  statfs?: (path: string) => Promise<StatfsResult>;
}

/** The firmware driver's `get_throttled` file below sysRoot on a Pi 4 and earlier; tried first. */
const THROTTLED_FILE = join('devices', 'platform', 'soc', 'soc:firmware', 'get_throttled');

function isAbsent(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ENODEV';
}

/**
 * Reads the Pi's own health: SoC temperature, firmware throttling flags, memory, disk space on
 * the state directory, load and process RSS. A file that does not exist (or may not be read)
 * yields `{ available: false, reason }`, never an error, so a laptop reports `unknown` metrics;
 * content that cannot be parsed throws {@link HostMetricParseError}.
 */
export class HostMetricsReader {
  /**
   * `vcgencmd` was not found: not looked for again by this process. Spawning a missing program
   * every sample cost more CPU than the whole control loop of a laptop simulation.
   */
  private vcgencmdAbsent = false;

  constructor(private readonly opts: HostMetricsOptions) {}

  private sys(...p: string[]): string {
    return join(this.opts.sysRoot ?? '/sys', ...p);
  }

  private proc(...p: string[]): string {
    return join(this.opts.procRoot ?? '/proc', ...p);
  }

  /** Reads a text file; `undefined` when it is absent or unreadable. */
  private async text(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
  }

  /** SoC temperature, °C, from `thermal_zone0/temp` (the `cpu-thermal` zone on a Pi). */
  async cpuTemperatureC(): Promise<Metric<number>> {
    const path = this.sys('class', 'thermal', 'thermal_zone0', 'temp');
    const t = await this.text(path);
    return t === undefined ? { available: false, reason: `no ${path}` } : { available: true, value: parseMillidegrees(t) };
  }

  /**
   * Firmware throttling flags: the firmware driver's sysfs file (`soc:firmware/get_throttled`,
   * also searched under other `devices/platform/<bus>/<bus>:firmware/`), else
   * `vcgencmd get_throttled` when a runner was given.
   */
  async throttling(): Promise<Metric<ThrottleFlags>> {
    for (const path of await this.throttledFiles()) {
      const t = await this.text(path);
      if (t !== undefined) return { available: true, value: decodeThrottled(parseSysfsThrottled(t)) };
    }
    if (!this.opts.runner) return { available: false, reason: 'no firmware get_throttled file' };
    const absent = { available: false, reason: 'no firmware get_throttled file and no vcgencmd' } as const;
    if (this.vcgencmdAbsent) return absent;
    let r;
    try {
      r = await this.opts.runner.run('vcgencmd', ['get_throttled']);
    } catch (e) {
      if (!isAbsent(e)) throw e;
      this.vcgencmdAbsent = true;
      return absent;
    }
    if (r.code !== 0) return { available: false, reason: `vcgencmd get_throttled failed: ${r.stderr.trim() || `exit code ${r.code}`}` };
    return { available: true, value: decodeThrottled(parseVcgencmdThrottled(r.stdout)) };
  }

  private async throttledFiles(): Promise<string[]> {
    const files = [this.sys(THROTTLED_FILE)];
    const platform = this.sys('devices', 'platform');
    let buses: string[];
    try {
      buses = await readdir(platform);
    } catch (e) {
      if (isAbsent(e)) return files;
      throw e;
    }
    for (const bus of buses.sort()) {
      const p = join(platform, bus, `${bus}:firmware`, 'get_throttled');
      if (!files.includes(p)) files.push(p);
    }
    return files;
  }

  /** MemTotal and MemAvailable from /proc/meminfo. */
  async memory(): Promise<Metric<MemoryInfo>> {
    const path = this.proc('meminfo');
    const t = await this.text(path);
    return t === undefined ? { available: false, reason: `no ${path}` } : { available: true, value: parseMeminfo(t) };
  }

  /** Load averages from /proc/loadavg, with the CPU count to scale them by. */
  async load(): Promise<Metric<LoadAverage & { cpus: number }>> {
    const path = this.proc('loadavg');
    const t = await this.text(path);
    if (t === undefined) return { available: false, reason: `no ${path}` };
    return { available: true, value: { ...parseLoadavg(t), cpus: this.opts.cpuCount ?? availableParallelism() } };
  }

  /** Free and total space of the file system holding the state directory (statfs(2)). */
  async diskSpace(): Promise<Metric<DiskSpace>> {
    const statfs = this.opts.statfs ?? fsStatfs;
    try {
      const s = await statfs(this.opts.stateDir);
      return { available: true, value: { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize } };
    } catch (e) {
      if (isAbsent(e)) return { available: false, reason: `cannot stat ${this.opts.stateDir}: ${(e as { code?: string }).code}` };
      throw e;
    }
  }

  /** Resident set size of the controller process, bytes. */
  rssBytes(): Metric<number> {
    const rss = this.opts.rss ?? (() => process.memoryUsage.rss());
    return { available: true, value: rss() };
  }
}
