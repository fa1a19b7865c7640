import { readFileSync, writeFileSync } from 'node:fs';
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

/** BCM lines for up to four enclosures' GPIO outputs (five each: heater, lights, mister, fan, water level). */
const GPIO_LINES = [5, 6, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 7, 8, 9, 10];
/** BCM lines for the heaters of up to sixteen enclosures (2, 3 and 4 stay free for I2C and 1-Wire). */
const HEATER_LINES = [5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22];

/** A 1-Wire id of family 28 unique to enclosure `i`, probe `k`. */
function probeId(i: number, k: number): string {
  return `28-0000000${k.toString(16)}${(i + 0x10).toString(16).padStart(4, '0')}`;
}

/**
 * `n` copies of the simulated gecko enclosure, each on its own I2C bus (BME280 at 0x76 and the
 * feeder's PCA9685 at 0x40 on bus 1..n) and its own 1-Wire ids.
 * Up to 4: each keeps all five GPIO outputs (heater, lights, mister, fan, water level) on its own
 * lines. 5 to 16: the Pi header has 28 lines, so each keeps its heater on a GPIO line, drives its
 * lights from channel 1 of its PCA9685 (the feeder servo is on channel 0) and has no mister, fan
 * or water level; sensors and control are otherwise those of the gecko enclosure.
 * @throws RangeError outside 1..16
 */
export function withEnclosures(raw: RawConfig, n: number): RawConfig {
  const template = raw.enclosures[0] as RawEnclosure;
  if (n < 1 || n > 16) throw new RangeError('1..16 enclosures');
  const enclosures = Array.from({ length: n }, (_, i) => {
    const e = structuredClone(template);
    e.id = n === 1 ? e.id : `${e.id}-${i + 1}`;
    for (const s of e.sensors) {
      if (s.type === 'bme280') s.bus = i + 1;
      else s.deviceId = probeId(i, 0);
    }
    if (n <= 4) {
      const [heater, lights, mister, fan, water] = GPIO_LINES.slice(i * 5, i * 5 + 5);
      const pins: Record<string, number> = { heater, lights, mister, fan };
      for (const a of e.actuators) {
        if (a.kind === 'feeder') a.drive.bus = i + 1;
        else a.output.pin = pins[a.id];
      }
      e.waterLevel.pin = water;
      return e;
    }
    e.actuators = e.actuators.filter((a: RawEnclosure) => a.kind === 'heater' || a.kind === 'light' || a.kind === 'feeder');
    for (const a of e.actuators) {
      if (a.kind === 'feeder') a.drive.bus = i + 1;
      else if (a.kind === 'light') a.output = { type: 'pca9685', bus: i + 1, address: 0x40, channel: 1 };
      else a.output.pin = HEATER_LINES[i];
    }
    delete e.waterLevel;
    return e;
  });
  return { ...raw, enclosures };
}

/**
 * The tick-lateness configuration: 4 gecko enclosures (see {@link withEnclosures}), each with a
 * BME280 and two DS18B20 (the shipped probe plus a second air probe, both used by the heater),
 * all DS18B20 on the one 1-Wire master as on a Pi.
 */
export function fourEnclosuresThreeSensors(raw: RawConfig): RawConfig {
  const four = withEnclosures(raw, 4);
  four.enclosures.forEach((e: RawEnclosure, i: number) => {
    e.sensors.push({ id: 'probe2', type: 'ds18b20', deviceId: probeId(i, 1) });
    const heater = e.actuators.find((a: RawEnclosure) => a.kind === 'heater');
    heater.sensors = [...heater.sensors, 'probe2'];
  });
  return four;
}

/**
 * Writes `raw` as `<dir>/<name>.json` with its state directory in `dir` and the shipped species
 * profiles, so a `dist/` child can load it with the CLI's own `loadConfig`.
 * @returns the file's path
 */
export function writeConfig(raw: RawConfig, dir: string, name: string): string {
  const out = structuredClone(raw);
  out.controller = { ...out.controller, stateDir: join(dir, `${name}-state`), speciesDir: join(REPO, 'config', 'species') };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  return file;
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
 * controller (same drivers, simulated hardware, physics, guard) and the SAME band as ours (the
 * profile's setpoint ± hysteresis/2, untouched): switch on below the band, off above it, with no
 * minimum on/off times and no time-proportioning. Everything else, the safety guard included, is
 * unchanged, so the only difference measured is the control law.
 */
export function plainThermostat(enc: RawEnclosure): RawEnclosure {
  const e = structuredClone(enc);
  for (const a of e.actuators) {
    if (a.kind !== 'heater') continue;
    a.minOnSeconds = 0;
    a.minOffSeconds = 0;
    delete a.timeProportioning;
  }
  return e;
}
