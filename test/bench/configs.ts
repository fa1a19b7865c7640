import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../../src/config/load.js';

/** Repository root (test/bench/ is two levels down). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped simulated configuration every benchmark starts from. */
export const SIMULATED_CONFIG = join(REPO, 'config', 'simulated.json');

/** A raw (unvalidated) configuration object, as in a config file. */
export type RawConfig = Record<string, any>;
type RawEnclosure = Record<string, any>;

/** `config/simulated.json` as parsed JSON (a fresh copy per call). */
export function simulatedRaw(): RawConfig {
  return JSON.parse(readFileSync(SIMULATED_CONFIG, 'utf8')) as RawConfig;
}

/** Validates a raw config as if it were a file next to `config/simulated.json` (species, relative paths). */
export function toConfig(raw: RawConfig): Config {
  return parseConfig(raw, SIMULATED_CONFIG);
}

/**
 * `n` copies of the simulated gecko enclosure, each on its own I2C bus (BME280 at 0x76 and the
 * feeder's PCA9685 at 0x40 on bus 1..n), its own 1-Wire id and its own five GPIO lines.
 */
export function withEnclosures(raw: RawConfig, n: number): RawConfig {
  const template = raw.enclosures[0] as RawEnclosure;
  const pinsOf = (i: number): number[] => [5, 6, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 7, 8, 9, 10].slice(i * 5, i * 5 + 5);
  if (n < 1 || n > 4) throw new RangeError('1..4 enclosures');
  const enclosures = Array.from({ length: n }, (_, i) => {
    const e = structuredClone(template);
    const [heater, lights, mister, fan, water] = pinsOf(i);
    e.id = n === 1 ? e.id : `${e.id}-${i + 1}`;
    for (const s of e.sensors) {
      if (s.type === 'bme280') s.bus = i + 1;
      else s.deviceId = `28-0000000000${(i + 0x10).toString(16)}`;
    }
    const pins: Record<string, number> = { heater, lights, mister, fan };
    for (const a of e.actuators) {
      if (a.kind === 'feeder') a.drive.bus = i + 1;
      else a.output.pin = pins[a.id];
    }
    e.waterLevel.pin = water;
    return e;
  });
  return { ...raw, enclosures };
}

/** Adds an `mqtt` section (the benchmarks connect it to a stub or a local broker). */
export function withMqtt(raw: RawConfig, mqtt: Record<string, unknown> = {}): RawConfig {
  return { ...raw, mqtt: { url: 'mqtt://127.0.0.1:1883', ...mqtt } };
}

/** Quiet logs (warnings and up) for child processes that parse stdout. */
export function withLogLevel(raw: RawConfig, level: string): RawConfig {
  return { ...raw, log: { level } };
}

/**
 * The three reference enclosures of the control-quality figure, one per profile, all in the
 * simulated config's room (21 °C day / 18 °C night, 45 %RH). The gecko is the shipped simulated
 * enclosure; the python and the mantis are typical builds for those species.
 */
export const REFERENCE_ENCLOSURES: Record<'leopard-gecko' | 'ball-python' | 'european-mantis', (raw: RawConfig) => RawEnclosure> = {
  'leopard-gecko': (raw) => structuredClone(raw.enclosures[0]),
  'ball-python': (raw) => {
    const e = structuredClone(raw.enclosures[0]) as RawEnclosure;
    e.id = 'python';
    e.name = 'Ball python, 120x60x60 PVC';
    e.profile = 'ball-python';
    e.physics = { widthCm: 120, depthCm: 60, heightCm: 60, material: 'pvc' };
    e.actuators.find((a: RawEnclosure) => a.id === 'heater').powerW = 150;
    return e;
  },
  'european-mantis': (raw) => {
    const e = structuredClone(raw.enclosures[0]) as RawEnclosure;
    e.id = 'mantis';
    e.name = 'European mantis, 40x40x60 glass';
    e.profile = 'european-mantis';
    e.physics = { widthCm: 40, depthCm: 40, heightCm: 60, material: 'glass' };
    const heater = e.actuators.find((a: RawEnclosure) => a.id === 'heater');
    Object.assign(heater, { heaterType: 'basking-lamp', powerW: 40 });
    return e;
  },
};

/**
 * The "plain on/off thermostat" of the control-quality figure, as a configuration of the same
 * controller (same drivers, simulated hardware, physics, guard): a ±0.5 °C band (hysteresis 1.0
 * by day and night), no minimum on/off times, no time-proportioning. Everything else, the safety
 * guard included, is unchanged, so the only difference measured is the control law.
 */
export function plainThermostat(enc: RawEnclosure): RawEnclosure {
  const e = structuredClone(enc);
  e.overrides = { ...(e.overrides ?? {}), temperature: { day: { hysteresisC: 1 }, night: { hysteresisC: 1 } } };
  for (const a of e.actuators) {
    if (a.kind !== 'heater') continue;
    a.minOnSeconds = 0;
    a.minOffSeconds = 0;
    delete a.timeProportioning;
  }
  return e;
}
