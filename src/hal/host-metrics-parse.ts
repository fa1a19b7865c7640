import { TerrariumError } from '../errors.js';

/**
 * Parsers for the Pi's host-health files and commands (pure; `host-metrics.ts` reads them).
 */

/** A host file or command answered with something we cannot parse (never a missing file). */
export class HostMetricParseError extends TerrariumError {
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super('HOST_METRIC_PARSE', `${source}: ${message}`, options);
  }
}

/**
 * The firmware's throttling word decoded (`vcgencmd get_throttled`; Raspberry Pi documentation,
 * "vcgencmd: get_throttled"): bit 0 under-voltage detected, 1 arm frequency capped, 2 currently
 * throttled, 3 soft temperature limit active; bits 16..19 the same conditions "has occurred since
 * boot". E.g. 0x50005: under-voltage and throttled now, both also occurred.
 */
export interface ThrottleFlags {
  raw: number;
  underVoltageNow: boolean;
  freqCappedNow: boolean;
  throttledNow: boolean;
  softTempLimitNow: boolean;
  underVoltageOccurred: boolean;
  freqCappedOccurred: boolean;
  throttledOccurred: boolean;
  softTempLimitOccurred: boolean;
}

/** Decodes the 32-bit get_throttled word (bits per the Raspberry Pi documentation, see {@link ThrottleFlags}). */
export function decodeThrottled(raw: number): ThrottleFlags {
  const bit = (n: number): boolean => ((raw >>> n) & 1) === 1;
  return {
    raw,
    underVoltageNow: bit(0),
    freqCappedNow: bit(1),
    throttledNow: bit(2),
    softTempLimitNow: bit(3),
    underVoltageOccurred: bit(16),
    freqCappedOccurred: bit(17),
    throttledOccurred: bit(18),
    softTempLimitOccurred: bit(19),
  };
}

function hexWord(source: string, hex: string): number {
  if (!/^[0-9a-f]{1,8}$/i.test(hex)) throw new HostMetricParseError(source, `not a hex word: "${hex}"`);
  return Number.parseInt(hex, 16);
}

/** Parses `vcgencmd get_throttled` output, `throttled=0x50005`, to the raw word. */
export function parseVcgencmdThrottled(stdout: string): number {
  const m = /^throttled=0x([0-9a-f]+)\s*$/i.exec(stdout.trim());
  if (!m) throw new HostMetricParseError('vcgencmd get_throttled', `unexpected output "${stdout.trim()}"`);
  return hexWord('vcgencmd get_throttled', m[1]);
}

/** Parses the firmware driver's sysfs `get_throttled` file: hex without `0x` (`sprintf("%x\n")`), e.g. `50005`. */
export function parseSysfsThrottled(text: string): number {
  return hexWord('get_throttled', text.trim());
}

/** Parses a thermal zone `temp` file (millidegrees Celsius, kernel thermal sysfs ABI) to °C. */
export function parseMillidegrees(text: string): number {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) throw new HostMetricParseError('thermal_zone temp', `not an integer: "${t}"`);
  return Number(t) / 1000;
}

/** Memory from /proc/meminfo, bytes. */
export interface MemoryInfo {
  totalBytes: number;
  /** MemAvailable: the kernel's estimate of memory available without swapping (proc(5)). */
  availableBytes: number;
}

/** Parses /proc/meminfo (`MemTotal:  3881252 kB`; the kernel's "kB" are KiB, proc(5)). */
export function parseMeminfo(text: string): MemoryInfo {
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!m) throw new HostMetricParseError('/proc/meminfo', `no ${name} line`);
    return Number(m[1]) * 1024;
  };
  return { totalBytes: field('MemTotal'), availableBytes: field('MemAvailable') };
}

/** Load averages from /proc/loadavg (runnable + uninterruptible tasks, proc(5)). */
export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

/** Parses /proc/loadavg: `0.52 0.58 0.59 1/467 12345`. */
export function parseLoadavg(text: string): LoadAverage {
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) /.exec(text.trim() + ' ');
  if (!m) throw new HostMetricParseError('/proc/loadavg', `unexpected content "${text.trim()}"`);
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]) };
}
