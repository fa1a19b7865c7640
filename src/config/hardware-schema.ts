import { z } from 'zod';
import { Name, PathString } from './limits.js';

/**
 * Which hardware the controller drives. `backend` has no default on purpose: a Pi
 * whose GPIO stack is broken must fail, never fall back to a simulator while a heater stays on.
 */
export const HardwareSchema = z.strictObject({
  backend: z.enum(['pi', 'sim']),
  gpio: z
    .strictObject({
      /** `libgpiod`: gpioset/gpioget tools (Pi 5, Trixie). `sysfs`: onoff with the kernel 6.6+ base offset. */
      driver: z.enum(['libgpiod', 'sysfs']).default('libgpiod'),
      /** Root of the legacy sysfs GPIO tree (tests point it at a fake tree). */
      sysfsRoot: PathString.default('/sys/class/gpio'),
      /** Label of the header GPIO controller; by default found by label (pinctrl-rp1/-bcm2711/-bcm2835). */
      chipLabel: Name.optional(),
    })
    .prefault({}),
  /** Root of the 1-Wire device tree. */
  oneWireRoot: PathString.default('/sys/bus/w1/devices'),
  /** Only for `backend: "sim"`: the simulated world. */
  sim: z
    .strictObject({
      /** Seed for every random choice in the simulator (noise, fault timing). */
      seed: z.number().int().default(1),
      /** Simulated start time, ISO 8601; default: the real time at start. */
      start: z.iso.datetime({ offset: true }).optional(),
      /** Room around the enclosures: follows a day/night curve between these. °C, %RH. */
      room: z
        .strictObject({
          dayC: z.number().min(-10).max(45).default(22),
          nightC: z.number().min(-10).max(45).default(19),
          humidityPct: z.number().min(0).max(100).default(50),
        })
        .prefault({}),
      /** Simulated sensor noise, standard deviation °C. */
      sensorNoiseC: z.number().min(0).max(2).default(0.05),
      /**
       * Device timing: `faithful` spends what real hardware takes (DS18B20 conversions, BME280
       * measurements, I2C transfers at `i2cClockHz`, libgpiod tool start-up), serialised per bus as
       * the kernel does; `instant` answers at once (conversion times the drivers wait for excepted).
       */
      timing: z.enum(['faithful', 'instant']).default('instant'),
      /** Simulated I2C clock, Hz (faithful timing). */
      i2cClockHz: z.number().int().min(10_000).max(1_000_000).default(100_000),
      /** Start-up time of one simulated libgpiod tool call, ms (faithful timing). */
      gpioToolMs: z.number().min(0).max(1000).default(5),
    })
    .prefault({}),
});

export type HardwareConfig = z.infer<typeof HardwareSchema>;
