import { z } from 'zod';
import { PathString } from './limits.js';

/**
 * Warn/critical thresholds with hysteresis for one host metric. A level is entered when the value
 * crosses its threshold and left only once the value is `hysteresis` back on the good side
 * (`src/supervisor/host-health.ts`), so a value hovering at a threshold does not flap.
 */
function thresholds(direction: 'above' | 'below', defaults: { warn: number; critical: number; hysteresis: number }, max: number) {
  const v = z.number().min(0).max(max);
  return z
    .strictObject({
      warn: v.default(defaults.warn),
      critical: v.default(defaults.critical),
      hysteresis: v.default(defaults.hysteresis),
    })
    .prefault({})
    .refine((t) => (direction === 'above' ? t.critical >= t.warn : t.critical <= t.warn), {
      message: direction === 'above' ? 'critical must be >= warn (alarm above)' : 'critical must be <= warn (alarm below)',
      path: ['critical'],
    });
}

/**
 * Host health of the Pi itself: thresholds, sampling period and where to read from.
 * Every key has a default, so `{}` (or an absent `host` key) gives the defaults below.
 *
 * Defaults and their sources:
 * - `cpuTemperatureC` warn 75 / critical 80 °C, hysteresis 5 (warn clears at 70, critical at 75):
 *   Raspberry Pi documentation, "Frequency management and thermal control": the firmware starts
 *   throttling at 80 °C (soft limit; 85 °C hard). Warn before the firmware acts.
 * - `memoryAvailablePct` warn below 15 %, critical below 5 % of MemTotal, hysteresis 5 points.
 * - `diskFreeMb` on the state directory: warn below 500 MB, critical below 100 MB (the outbox and
 *   state need room to be written durably), hysteresis 50 MB.
 * - `loadPerCpu` (1-minute load average / CPUs): warn 2, critical 4, hysteresis 0.5.
 * - `eventLoopLagMs`: warn 500 ms, critical 2000 ms (two 1 s control periods), hysteresis 100 ms.
 * - `rssMb` of the controller process: warn 300 MB, critical 500 MB (a 1 GB Pi), hysteresis 25 MB.
 * - `flagClearSamples`: a firmware flag that is "now" (under-voltage, throttling) clears only
 *   after this many consecutive clean samples.
 */
export const HostSchema = z.strictObject({
  /** Sample host metrics at all. */
  enabled: z.boolean().default(true),
  /** Sampling period, ms. */
  intervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  /** Root of sysfs (tests and simulations point it at a fake tree). */
  sysRoot: PathString.default('/sys'),
  /** Root of procfs (same). */
  procRoot: PathString.default('/proc'),
  /** SoC temperature, °C (alarm above). */
  cpuTemperatureC: thresholds('above', { warn: 75, critical: 80, hysteresis: 5 }, 150),
  /** MemAvailable / MemTotal, % (alarm below). */
  memoryAvailablePct: thresholds('below', { warn: 15, critical: 5, hysteresis: 5 }, 100),
  /** Free space for unprivileged users on the state directory's file system, MB of 2^20 bytes (alarm below). */
  diskFreeMb: thresholds('below', { warn: 500, critical: 100, hysteresis: 50 }, 10_000_000),
  /** 1-minute load average per CPU (alarm above). */
  loadPerCpu: thresholds('above', { warn: 2, critical: 4, hysteresis: 0.5 }, 1_000),
  /** Event-loop lag measured by the watchdog, ms (alarm above). */
  eventLoopLagMs: thresholds('above', { warn: 500, critical: 2_000, hysteresis: 100 }, 600_000),
  /** Resident set size of the controller process, MB of 2^20 bytes (alarm above). */
  rssMb: thresholds('above', { warn: 300, critical: 500, hysteresis: 25 }, 100_000),
  /** Consecutive clean samples before a firmware "now" flag clears. */
  flagClearSamples: z.number().int().min(1).max(100).default(3),
});

/** The resolved host-health settings (every default applied). */
export type HostConfig = z.infer<typeof HostSchema>;
/** Warn/critical/hysteresis of one metric. */
export type HostThreshold = HostConfig['cpuTemperatureC'];
