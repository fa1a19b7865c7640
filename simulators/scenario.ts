import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../src/config/errors.js';

/** A duration or offset: seconds as a number, or a string like `90s`, `2m`, `3h`, `1d`, `2d03:00` (day 2 at 03:00 from the start's midnight is NOT implied: it is 2 days + 3 h after the start). */
const Duration = z.union([
  z.number().min(0),
  z.string().regex(/^(\d+d)?(\d{1,2}:\d{2})?$|^\d+(\.\d+)?(ms|s|m|h|d)$/, 'expected seconds, "90s", "2m", "3h", "1d" or "2d03:00"'),
]);

/** Converts a {@link Duration} value to ms. */
export function durationMs(v: number | string): number {
  if (typeof v === 'number') return v * 1000;
  const unit = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v);
  if (unit) {
    const n = Number(unit[1]);
    return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  }
  const m = /^(?:(\d+)d)?(?:(\d{1,2}):(\d{2}))?$/.exec(v);
  if (!m) throw new Error(`bad duration ${v}`);
  return (Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 3_600_000 + Number(m[3] ?? 0) * 60_000;
}

/** The faults the simulator can inject. */
export const FaultSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('i2c-error-rate'), rate: z.number().min(0).max(1) }),
  z.strictObject({ kind: z.literal('i2c-disconnect') }),
  z.strictObject({ kind: z.literal('i2c-slow'), delayMs: z.number().int().min(1).max(60_000) }),
  z.strictObject({ kind: z.literal('i2c-garbage') }),
  z.strictObject({ kind: z.literal('wrong-chip-id'), chipId: z.number().int().min(0).max(255).default(0x58) }),
  z.strictObject({ kind: z.literal('stuck-value') }),
  z.strictObject({ kind: z.literal('onewire-absent') }),
  z.strictObject({ kind: z.literal('onewire-crc') }),
  z.strictObject({ kind: z.literal('onewire-power-on') }),
  z.strictObject({ kind: z.literal('heater-dead') }),
  z.strictObject({ kind: z.literal('relay-stuck-on') }),
  z.strictObject({ kind: z.literal('gpio-write-failure') }),
  z.strictObject({ kind: z.literal('water-empty') }),
  /** Tear the controller down (no clean shutdown) and rebuild it on the same state directory; physics runs on. */
  z.strictObject({ kind: z.literal('crash-restart'), downtime: Duration.default(10) }),
  /** Step the wall clock (NTP step, RTC-less boot): monotonic time is unaffected. */
  z.strictObject({ kind: z.literal('clock-jump'), by: z.number() /* seconds, may be negative */ }),
]);

export const ScenarioEventSchema = z.strictObject({
  /** When the fault starts, after the simulation start. */
  at: Duration,
  /** How long it lasts (omit: until the end; ignored for crash-restart and clock-jump). */
  duration: Duration.optional(),
  /** Enclosure id (default: the first). */
  enclosure: z.string().optional(),
  /** Sensor or actuator id the fault applies to (not needed for crash-restart, clock-jump, water-empty). */
  device: z.string().optional(),
  fault: FaultSpecSchema,
});

/** Expectations the scenario tests check (`test/scenarios.test.ts`). */
export const ScenarioExpectSchema = z.strictObject({
  /** Modes that must be seen at some point, in this order. */
  modes: z.array(z.enum(['normal', 'degraded', 'safe', 'manual'])).default([]),
  /** Mode at the end of the run. */
  finalMode: z.enum(['normal', 'degraded', 'safe', 'manual']).optional(),
  /** Every fault of these components must be recovered automatically within this many seconds of clearing. */
  recoveredWithinSeconds: z.number().positive().optional(),
  /** Fault kinds that must have been raised. */
  faults: z.array(z.string()).default([]),
  /** Maximum number of feeds over the run (e.g. with restarts mid-feed). */
  maxFeeds: z.number().int().min(0).optional(),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  /** Days to run when `--days` is not given. */
  days: z.number().positive().default(1),
  events: z.array(ScenarioEventSchema),
  expect: ScenarioExpectSchema.prefault({}),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioEvent = z.infer<typeof ScenarioEventSchema>;
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

/** Loads and validates a scenario file. @throws ConfigError naming the path of each problem */
export function loadScenario(file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `cannot read scenario: ${(e as Error).message}` }]);
  }
  const r = ScenarioSchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(file, r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''), message: i.message })));
  }
  return r.data;
}
