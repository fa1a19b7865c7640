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

/** Which measured quantity a sensor fault distorts: °C or %RH. A DS18B20 only measures temperature. */
const Quantity = z.enum(['temperature', 'humidity']);

/**
 * A person's command at the event's time, as the operator would give it (CLI, status socket or
 * MQTT): `ack` acknowledges latched faults; `feed` presses the feed button; `mode` switches auto/manual;
 * `setpoint` overrides the temperature setpoint (°C) for `durationMinutes`; `clear-setpoint` drops the
 * override; `output` switches one actuator in manual mode.
 */
export const OperatorCommandSchema = z.discriminatedUnion('command', [
  z.strictObject({ kind: z.literal('operator'), command: z.literal('ack') }),
  z.strictObject({ kind: z.literal('operator'), command: z.literal('feed') }),
  z.strictObject({ kind: z.literal('operator'), command: z.literal('mode'), mode: z.enum(['auto', 'manual']) }),
  z.strictObject({ kind: z.literal('operator'), command: z.literal('setpoint'), valueC: z.number(), durationMinutes: z.number().int().min(1).max(24 * 60).optional() }),
  z.strictObject({ kind: z.literal('operator'), command: z.literal('clear-setpoint') }),
  z.strictObject({ kind: z.literal('operator'), command: z.literal('output'), actuator: z.string().min(1), on: z.boolean() }),
]);

/** A change of the room around the enclosure: to `toC` or by `deltaC` (°C), reached linearly over `ramp`. */
const RoomFault = z
  .strictObject({
    kind: z.literal('room'),
    /** Room temperature change, °C (a heatwave: +8; a cold snap: -10). */
    deltaC: z.number().min(-40).max(40).optional(),
    /** Room temperature to hold, °C. */
    toC: z.number().min(-20).max(50).optional(),
    /** How long the change takes to reach its full size (default: a step). */
    ramp: Duration.optional(),
  })
  .refine((r) => (r.deltaC === undefined) !== (r.toC === undefined), { message: 'room needs exactly one of deltaC or toC' });

/**
 * The faults the simulator can inject. The kinds are a public vocabulary (docs/simulation-faults.md):
 * kinds are added, never renamed.
 */
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
  /** Contacts welded: the load is powered whatever the output commands (any output: GPIO relay or PCA9685 channel). */
  z.strictObject({ kind: z.literal('relay-stuck-on') }),
  z.strictObject({ kind: z.literal('gpio-write-failure') }),
  z.strictObject({ kind: z.literal('water-empty') }),
  /** Tear the controller down (no clean shutdown) and rebuild it on the same state directory; physics runs on. */
  z.strictObject({ kind: z.literal('crash-restart'), downtime: Duration.default(10) }),
  /** Step the wall clock (NTP step, RTC-less boot): monotonic time is unaffected. */
  z.strictObject({ kind: z.literal('clock-jump'), by: z.number() /* seconds, may be negative */ }),
  /** The sensor reads the true value plus `by` (°C or %RH). */
  z.strictObject({ kind: z.literal('sensor-offset'), quantity: Quantity, by: z.number().min(-100).max(100) }),
  /** An offset that grows by `perHour` (°C/h or %RH/h) from the event's start while the fault lasts. */
  z.strictObject({ kind: z.literal('sensor-drift'), quantity: Quantity, perHour: z.number().min(-100).max(100) }),
  /** The sensor reads `factor` x the true value, about the reference point (20 °C, 50 %RH). */
  z.strictObject({ kind: z.literal('sensor-gain'), quantity: Quantity, factor: z.number().min(0).max(10) }),
  /** Extra Gaussian noise with standard deviation `sd` (°C or %RH). */
  z.strictObject({ kind: z.literal('sensor-noise'), quantity: Quantity, sd: z.number().min(0).max(50) }),
  /** The probe fell off its spot and reads the room or the enclosure air. */
  z.strictObject({ kind: z.literal('probe-detached'), reads: z.enum(['room', 'air']) }),
  /** This share (0..1) of 1-Wire reads fail: CRC mismatch or an empty read. */
  z.strictObject({ kind: z.literal('onewire-error-rate'), rate: z.number().min(0).max(1) }),
  /** The whole I2C bus hangs (SDA held low): no transfer on it answers until cleared. `bus`: the bus number (default: the event device's bus). */
  z.strictObject({ kind: z.literal('i2c-bus-stall'), bus: z.number().int().min(0).max(255).optional() }),
  /** The output never closes (burnt coil or contacts): the load stays unpowered whatever is commanded. */
  z.strictObject({ kind: z.literal('relay-stuck-off') }),
  /** The GPIO line cannot be re-opened (after a write failure the controller's re-open fails too). */
  z.strictObject({ kind: z.literal('gpio-reopen-failure') }),
  /** The float switch reads `full` or `empty` whatever the water level. */
  z.strictObject({ kind: z.literal('float-stuck'), reads: z.enum(['full', 'empty']) }),
  /** The feeder servo does not move; the PCA9685 writes still succeed. */
  z.strictObject({ kind: z.literal('servo-jam') }),
  /** Mains gone: every output de-energised, the process gone; restart after `downtime` on the files as they were on disk. */
  z.strictObject({ kind: z.literal('power-cut'), downtime: Duration.default(60) }),
  /** Writes to the state directory fail with ENOSPC. */
  z.strictObject({ kind: z.literal('disk-full') }),
  /** Writes to the state directory fail with EROFS. */
  z.strictObject({ kind: z.literal('state-readonly') }),
  /** The controller's event loop stalls for `duration` (systemd's watchdog may kill it). */
  z.strictObject({ kind: z.literal('process-hang'), duration: Duration }),
  RoomFault,
  /** Extra heat into the air node (sun through the glass), W. */
  z.strictObject({ kind: z.literal('sun-on-glass'), watts: z.number().min(0).max(2000) }),
  /** The lid is open: heat and humidity escape faster. */
  z.strictObject({ kind: z.literal('lid-open') }),
  /** Condensation: the BME280 reads 100 %RH (noise applied after the clamp). */
  z.strictObject({ kind: z.literal('humidity-saturated') }),
  OperatorCommandSchema,
]);

/** Every fault kind of the vocabulary, in schema order. */
export const FAULT_KINDS: readonly FaultSpec['kind'][] = [
  ...new Set(FaultSpecSchema.options.flatMap((o) => ('shape' in o ? [o.shape.kind.value] : o.options.map((c) => c.shape.kind.value)))),
];

/**
 * Kinds that act on the controller process, its state directory or the clock rather than on the
 * simulated hardware: the simulation runner applies them; `applyFault` refuses them.
 */
export const RUNNER_FAULT_KINDS: ReadonlySet<FaultSpec['kind']> = new Set(['crash-restart', 'clock-jump', 'power-cut', 'disk-full', 'state-readonly', 'process-hang', 'operator']);

export const ScenarioEventSchema = z.strictObject({
  /** When the fault starts, after the simulation start (`0`: before or during start-up). */
  at: Duration,
  /** How long it lasts (omit: until the end; ignored for crash-restart and clock-jump). */
  duration: Duration.optional(),
  /** Enclosure id (default: the first). */
  enclosure: z.string().optional(),
  /**
   * Sensor or actuator id the fault applies to (not needed for enclosure-wide faults: crash-restart,
   * clock-jump, water-empty, float-stuck, room, sun-on-glass, lid-open, power-cut, disk-full,
   * state-readonly, process-hang, operator; nor for i2c-bus-stall given its `bus`).
   */
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
