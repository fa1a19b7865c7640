import type { Logger } from 'pino';
import type { ActuatorConfig, SensorConfig } from '../config/enclosure-schema.js';
import type { EnclosureConfig } from '../config/load.js';
import { ActuatorComponent } from '../devices/actuator-component.js';
import { FeederComponent } from '../devices/feeder-component.js';
import { SensorComponent } from '../devices/sensor-component.js';
import { WaterLevelInput } from '../devices/water-level.js';
import { Bme280 } from '../drivers/bme280.js';
import { Ds18b20 } from '../drivers/ds18b20.js';
import { RelayPulseFeeder, ServoFeeder } from '../drivers/feeder.js';
import { Pca9685 } from '../drivers/pca9685.js';
import { RelayOutput } from '../drivers/relay.js';
import type { FeederDriver, SensorDriver } from '../drivers/types.js';
import type { Hardware } from '../hal/index.js';
import type { Random } from '../resilience/random.js';
import { ExpanderPool, outputDriverFactory } from './output-drivers.js';

/** The health-tracked components of one enclosure. */
export interface EnclosureDevices {
  sensors: SensorComponent[];
  /** Every output except feeders, by actuator id (config order). */
  actuators: Map<string, ActuatorComponent>;
  feeders: Map<string, FeederComponent>;
  waterLevel: WaterLevelInput | undefined;
}

/**
 * Sampling cadence per sensor type when the config gives none, s. DS18B20: above its 750 ms
 * conversion at 12 bits (datasheet "Thermometer Resolution Configuration"), which also keeps the
 * probe from self-heating; BME280: forced mode, one measurement (up to ~113 ms at 16x oversampling
 * of all three, BST-BME280-DS002 §9.1) per sample, sleeping between.
 */
export const DEFAULT_SAMPLE_EVERY_SECONDS: Readonly<Record<SensorConfig['type'], number>> = { ds18b20: 2, bme280: 1 };

/** PWM servo frequency for hobby servos and LED dimmers on one PCA9685, Hz. */
const PCA9685_FREQUENCY_HZ = 50;

/**
 * Shares one initialised PCA9685 per bus and address between its channels (re-initialising the
 * board for one channel would glitch the others). A failed init is retried on the next request.
 */
export class Pca9685Pool {
  private readonly boards = new Map<string, Promise<Pca9685>>();
  /** The I2C expanders (MCP23017, PCF857x) of the same controller, shared the same way. */
  readonly expanders: ExpanderPool;

  constructor(private readonly hw: Hardware) {
    this.expanders = new ExpanderPool(hw);
  }

  get(bus: number, address: number): Promise<Pca9685> {
    const key = `${bus}:${address}`;
    let p = this.boards.get(key);
    if (!p) {
      p = (async () => {
        const board = new Pca9685(await this.hw.i2c.open(bus), address, this.hw.clock, { frequencyHz: PCA9685_FREQUENCY_HZ });
        await board.init();
        return board;
      })();
      p.catch(() => this.boards.delete(key));
      this.boards.set(key, p);
    }
    return p;
  }

  /** Forgets a board so the next request re-opens and re-initialises it (recovery: restart). */
  forget(bus: number, address: number): void {
    this.boards.delete(`${bus}:${address}`);
  }
}

function sensorDriverFactory(s: SensorConfig, hw: Hardware): { create: () => Promise<SensorDriver>; close?: (d: SensorDriver) => Promise<void> } {
  if (s.type === 'ds18b20') return { create: async () => new Ds18b20(hw.oneWire, s.deviceId) };
  const buses = new WeakMap<SensorDriver, { close(): Promise<void> }>();
  return {
    create: async () => {
      const bus = await hw.i2c.open(s.bus);
      const d = new Bme280(bus, s.address, hw.clock, { oversampling: s.oversampling, filter: s.filter });
      buses.set(d, bus);
      return d;
    },
    close: async (d) => {
      await buses.get(d)?.close();
    },
  };
}

function feederDriverFactory(a: Extract<ActuatorConfig, { kind: 'feeder' }>, hw: Hardware, pool: Pca9685Pool): () => Promise<FeederDriver> {
  const drive = a.drive;
  if (drive.type === 'relay-pulse') {
    return async () => new RelayPulseFeeder(new RelayOutput(hw.gpio, { pin: drive.pin, activeLow: drive.activeLow, startupState: 'off' }), hw.clock, drive.pulseMs);
  }
  return async () => new ServoFeeder(await pool.get(drive.bus, drive.address), drive.channel, hw.clock, { closedUs: drive.closedUs, openUs: drive.openUs, openMs: drive.openMs });
}

/**
 * Builds (does not start) the components of one enclosure from its configuration: one explicit
 * mapping from config `type`/`kind` to driver, one line each.
 */
export function buildEnclosureDevices(enc: EnclosureConfig, hw: Hardware, pool: Pca9685Pool, random: Random, log: Logger): EnclosureDevices {
  const clock = hw.clock;
  const sensors = enc.sensors.map((s) => {
    const f = sensorDriverFactory(s, hw);
    const safety = enc.climate.safety;
    return new SensorComponent({
      id: s.id,
      enclosureId: enc.id,
      clock,
      random,
      log,
      createDriver: f.create,
      closeDriver: f.close,
      quantities: s.type === 'bme280' ? ['temperature', 'humidity', 'pressure'] : ['temperature'],
      staleAfterMs: s.staleAfterSeconds * 1000,
      stuckAfterMs: s.stuckAfterMinutes * 60_000,
      medianOf: s.medianOf,
      sampleEveryMs: (s.sampleEverySeconds ?? DEFAULT_SAMPLE_EVERY_SECONDS[s.type]) * 1000,
      bulkCapable: s.type === 'ds18b20',
      // Plausible for an enclosure: well outside what the profile allows, inside what a live animal
      // could be in. A reading beyond this is a broken sensor, not a climate.
      plausible: { temperature: { min: Math.min(0, safety.minC - 15), max: Math.max(60, safety.maxC + 15) } },
    });
  });

  const actuators = new Map<string, ActuatorComponent>();
  const feeders = new Map<string, FeederComponent>();
  for (const a of enc.actuators) {
    if (a.kind === 'feeder') {
      feeders.set(a.id, new FeederComponent({ id: a.id, enclosureId: enc.id, clock, log, createDriver: feederDriverFactory(a, hw, pool) }));
      continue;
    }
    const createDriver = outputDriverFactory(a.output, a.startupState, hw, pool, pool.expanders, `terrarium-${enc.id}-${a.id}`);
    actuators.set(a.id, new ActuatorComponent({ id: a.id, enclosureId: enc.id, kind: a.kind, clock, random, log, createDriver, startupState: a.startupState }));
  }

  const waterLevel = enc.waterLevel ? new WaterLevelInput(enc.waterLevel, hw.gpio, enc.id, clock, log) : undefined;
  return { sensors, actuators, feeders, waterLevel };
}
