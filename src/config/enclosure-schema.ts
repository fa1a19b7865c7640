import { z } from 'zod';
import { Id, Name } from './limits.js';
import { Mcp23017OutputSchema, Pcf8574OutputSchema, Pcf8575OutputSchema, ShellyOutputSchema, TasmotaOutputSchema } from './output-schema.js';
import { PhysicsSchema } from './physics-schema.js';
/** BCM GPIO line on the 40-pin header. */
const Pin = z.number().int().min(0).max(27);
const I2cAddress = z.number().int().min(0x03).max(0x77);
const Oversampling = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]);

const SensorCommon = {
  id: Id,
  /**
   * Where the sensor sits: `air` measures the enclosure air (thermostat, setpoints, the
   * over-temperature cutoff at the profile's safety.maxC); `surface` is a basking-spot or heat-mat
   * probe that legitimately runs hotter than the air and is only used as a heater's `limit`.
   */
  placement: z.enum(['air', 'surface']).default('air'),
  /** A reading older than this is stale, s (stale reading). */
  staleAfterSeconds: z.number().min(1).max(3600).default(60),
  /** The same raw value for this long means the sensor is stuck, minutes (0 = never). */
  stuckAfterMinutes: z.number().min(0).max(24 * 60).default(30),
  /**
   * Report the median of the last N samples (1 = off). Default 3: one corrupted I2C transfer that
   * still decodes to a plausible value (a garbage burst) cannot move a heater or trip the
   * over-temperature cutoff; it costs one tick of delay on a real change.
   */
  medianOf: z.number().int().min(1).max(9).default(3),
  /**
   * How often the sensor is sampled, s, beside the control tick (absent: the device's default,
   * DS18B20 2 s, its conversion taking 750 ms at 12 bits; BME280 1 s, a forced measurement taking up to ~113 ms).
   * Keep it well under `staleAfterSeconds`.
   */
  sampleEverySeconds: z.number().min(0.5).max(600).optional(),
};

export const Bme280SensorSchema = z.strictObject({
  ...SensorCommon,
  type: z.literal('bme280'),
  bus: z.number().int().min(0).max(31).default(1),
  /** 0x76 (SDO to GND) or 0x77 (SDO to VDDIO). */
  address: z.union([z.literal(0x76), z.literal(0x77)]).default(0x76),
  /** Oversampling per quantity (datasheet §3.4); 1x each is Bosch's "weather monitoring". */
  oversampling: z
    .strictObject({ temperature: Oversampling.default(1), pressure: Oversampling.default(1), humidity: Oversampling.default(1) })
    .prefault({}),
  /** IIR filter coefficient (datasheet §3.4.4). */
  filter: z.union([z.literal(0), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]).default(0),
});

export const Ds18b20SensorSchema = z.strictObject({
  ...SensorCommon,
  type: z.literal('ds18b20'),
  /** Linux 1-Wire id, family 28. */
  deviceId: z.string().regex(/^28-[0-9a-f]{12}$/, 'expected a DS18B20 id like 28-000005e2fdc3'),
});

export const SensorSchema = z.discriminatedUnion('type', [Bme280SensorSchema, Ds18b20SensorSchema]);

/** A relay or switch on a GPIO line. `activeLow`: the relay closes when the pin is LOW (most 4-channel boards). */
export const GpioOutputSchema = z.strictObject({
  type: z.literal('gpio'),
  pin: Pin,
  activeLow: z.boolean().default(false),
});

/** A channel of a PCA9685 PWM board (dimmable light, servo). */
export const PwmOutputSchema = z.strictObject({
  type: z.literal('pca9685'),
  bus: z.number().int().min(0).max(31).default(1),
  address: I2cAddress.default(0x40),
  channel: z.number().int().min(0).max(15),
});

/**
 * Any on/off output: a GPIO relay, a relay on an I2C expander line (MCP23017, PCF8574/PCF8575), or
 * a network smart plug (Tasmota, Shelly). Every actuator role may use any of them; each role keeps
 * the safety rules it needs (a heater on a plug without a dead-man is reported by `terrarium check`).
 */
export const SwitchOutputSchema = z.discriminatedUnion('type', [
  GpioOutputSchema,
  Mcp23017OutputSchema,
  Pcf8574OutputSchema,
  Pcf8575OutputSchema,
  TasmotaOutputSchema,
  ShellyOutputSchema,
]);

const ActuatorCommon = {
  id: Id,
  /** State the output is driven to at boot and on shutdown. */
  startupState: z.enum(['off', 'on']).default('off'),
};

/**
 * Thermal-runaway protection for one heater, after Marlin's `THERMAL_PROTECTION_*` / `WATCH_TEMP_*`
 * (printer-firmware thermal protection, mapped to terrarium time scales). Every field is
 * optional: an absent field takes the per-`heaterType` default of `src/control/runaway.ts`
 * (`RUNAWAY_DEFAULTS`: emitter/lamp watch 20 min / +0.5 °C, mat 45 min / +0.5 °C; holding 3 °C for
 * 30 min (mat 45 min); stuck relay 2 °C above the band and rising for 10 min (mat 15 min)).
 * As in Marlin's advice: on false "heating failed" trips raise the period or lower the increase.
 */
export const HeaterRunawaySchema = z.strictObject({
  /** Heating watch period, minutes (Marlin WATCH_TEMP_PERIOD). */
  watchPeriodMinutes: z.number().min(5).max(240).optional(),
  /** Rise the heater must achieve within the watch period, °C (Marlin WATCH_TEMP_INCREASE). */
  watchIncreaseC: z.number().min(0.2).max(10).optional(),
  /** Holding check: the drop below setpoint that counts as runaway, °C (Marlin THERMAL_PROTECTION_HYSTERESIS). */
  hysteresisC: z.number().min(0.5).max(10).optional(),
  /** Holding check: how long the drop may last while heating, minutes (Marlin THERMAL_PROTECTION_PERIOD). */
  periodMinutes: z.number().min(5).max(240).optional(),
  /** Stuck relay: margin above the setpoint band, °C. */
  stuckRelayMarginC: z.number().min(0.5).max(10).optional(),
  /** Stuck relay: heater off and temperature above the margin and rising for this long, minutes. */
  stuckRelayMinutes: z.number().min(1).max(240).optional(),
});

export const HeaterSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.literal('heater'),
  heaterType: z.enum(['heat-mat', 'ceramic-heat-emitter', 'basking-lamp']),
  /** Electrical power, W (used by the simulator and for energy figures). */
  powerW: z.number().positive().max(2000),
  output: SwitchOutputSchema,
  /** Sensor ids in order of preference for the thermostat: primary first, then fallbacks. */
  sensors: z.array(Id).min(1),
  /** Optional thermostat probe that caps the heater (e.g. a heat mat's surface), with its own maximum. */
  limit: z.strictObject({ sensor: Id, maxC: z.number().min(20).max(60) }).optional(),
  minOnSeconds: z.number().min(0).max(3600).default(60),
  minOffSeconds: z.number().min(0).max(3600).default(60),
  /** Maximum continuous on-time before a forced rest, minutes. */
  maxOnMinutes: z.number().min(1).max(24 * 60).default(180),
  /** Slow PWM for heat mats: period, s (absent = plain hysteresis). */
  timeProportioning: z.strictObject({ periodSeconds: z.number().min(60).max(3600) }).optional(),
  /** Thermal-runaway protection overrides (Marlin `thermal_protection` adapted); see {@link HeaterRunawaySchema}. */
  runaway: HeaterRunawaySchema.optional(),
  /** Simulator only: time constant of the spot this heater warms (where its limit probe lies), s (default by `heaterType`). */
  surfaceLagSeconds: z.number().min(10).max(7200).optional(),
});

export const LightSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.literal('light'),
  output: z.discriminatedUnion('type', [...SwitchOutputSchema.options, PwmOutputSchema]),
  /** Electrical power at full level, W (simulator heat and energy figures; default 20). */
  powerW: z.number().positive().max(2000).optional(),
  /** Share of that power that heats the enclosure air, 0..1 (simulator; default 0.5). */
  heatFraction: z.number().min(0).max(1).optional(),
});

export const MisterSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.enum(['mister', 'fogger']),
  output: SwitchOutputSchema,
  /** Water added per second of misting in the simulator, g/s. */
  flowGramsPerSecond: z.number().positive().max(50).default(2),
});

export const FanSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.literal('fan'),
  output: SwitchOutputSchema,
  maxOnMinutes: z.number().min(1).max(24 * 60).default(30),
  /** Forced rest after a run of `maxOnMinutes`, minutes (the planner's fan rule, `src/control/fan.ts`). */
  restMinutes: z.number().min(1).max(24 * 60).default(10),
});

/** Master relay that cuts all heat; opened on stuck-relay / runaway faults. */
export const CutoffSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.literal('cutoff'),
  output: SwitchOutputSchema,
  /** The cutoff normally conducts: default on. */
  startupState: z.enum(['off', 'on']).default('on'),
});

export const FeederSchema = z.strictObject({
  ...ActuatorCommon,
  kind: z.literal('feeder'),
  drive: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('relay-pulse'),
      pin: Pin,
      activeLow: z.boolean().default(false),
      /** Motor/auger run time per feed, ms. */
      pulseMs: z.number().int().min(50).max(60_000).default(2000),
    }),
    z.strictObject({
      type: z.literal('servo'),
      bus: z.number().int().min(0).max(31).default(1),
      address: I2cAddress.default(0x40),
      channel: z.number().int().min(0).max(15),
      /** Pulse widths, µs (typical hobby servo 1000..2000). */
      closedUs: z.number().int().min(500).max(2500).default(1000),
      openUs: z.number().int().min(500).max(2500).default(2000),
      /** How long the hatch stays open, ms. */
      openMs: z.number().int().min(100).max(60_000).default(1500),
    }),
  ]),
});

export const ActuatorSchema = z.discriminatedUnion('kind', [HeaterSchema, LightSchema, MisterSchema, FanSchema, CutoffSchema, FeederSchema]);

/** Float switch in the mister's reservoir. */
export const WaterLevelSchema = z.strictObject({
  pin: Pin,
  /** Electrical level the switch reads when the reservoir is empty. */
  emptyLevel: z.enum(['low', 'high']).default('low'),
  pull: z.enum(['up', 'down', 'none']).default('up'),
});

export const EnclosureSchema = z.strictObject({
  id: Id,
  name: Name,
  /** Species profile id: `config/species/<profile>.json`. */
  profile: Id,
  /** Any profile field to override for this enclosure (deep merge, validated like the profile). */
  overrides: z.record(z.string(), z.unknown()).default({}),
  sensors: z.array(SensorSchema).min(1),
  actuators: z.array(ActuatorSchema).default([]),
  /** Sensor ids for humidity, primary first (default: every BME280 in order). */
  humiditySensors: z.array(Id).optional(),
  waterLevel: WaterLevelSchema.optional(),
  physics: PhysicsSchema.prefault({}),
});

export type SensorConfig = z.infer<typeof SensorSchema>;
export type Bme280SensorConfig = z.infer<typeof Bme280SensorSchema>;
export type Ds18b20SensorConfig = z.infer<typeof Ds18b20SensorSchema>;
export type ActuatorConfig = z.infer<typeof ActuatorSchema>;
export type HeaterConfig = z.infer<typeof HeaterSchema>;
export type HeaterRunawayConfig = z.infer<typeof HeaterRunawaySchema>;
export type LightConfig = z.infer<typeof LightSchema>;
export type MisterConfig = z.infer<typeof MisterSchema>;
export type FanConfig = z.infer<typeof FanSchema>;
export type CutoffConfig = z.infer<typeof CutoffSchema>;
export type FeederConfig = z.infer<typeof FeederSchema>;
export type GpioOutputConfig = z.infer<typeof GpioOutputSchema>;
export type PwmOutputConfig = z.infer<typeof PwmOutputSchema>;
export type EnclosureConfigInput = z.infer<typeof EnclosureSchema>;
