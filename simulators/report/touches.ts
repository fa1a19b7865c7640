import type { ActuatorConfig, SensorConfig } from '../../src/config/enclosure-schema.js';
import type { Config, EnclosureConfig } from '../../src/config/load.js';
import type { Touches } from './types.js';

/**
 * Which components an injected event touches, for fault attribution, false alarms and recovery
 * times. The rules (documented for report readers in docs/simulation.md):
 *
 * - **process** kinds (`crash-restart`, `power-cut`, `process-hang`, `disk-full`, `state-readonly`,
 *   `clock-jump`) touch every component of every enclosure, and controller-wide ones (`all`);
 * - **room** kinds (`room`) touch every sensor of every enclosure (they change what sensors measure);
 * - an event on a **device** touches that device, the components that read it (heaters that name a
 *   sensor in `sensors` or `limit.sensor`; the misters, foggers and fans of its enclosure for one of
 *   its `humiditySensors`), and, for an output (heater, light, mister, fogger, fan, cutoff), every sensor
 *   of its enclosure: an output that misbehaves changes what they measure;
 * - an event on an I2C **bus** touches every device on it (BME280s, PCA9685 outputs and feeders) with
 *   the same rules; a 1-Wire event without a device touches every DS18B20;
 * - **float switch** kinds (`water-empty`, `float-stuck`) touch the misters and foggers (they read
 *   it) and every sensor of the enclosure;
 * - the **operator** kind and any other enclosure-wide kind (`sun-on-glass`, `lid-open`, ...)
 *   touch every component of the enclosure.
 *
 * Touching is one level deep: a room event touches the air sensor, not the heater that reads it.
 */
export interface TouchableEvent {
  enclosure?: string;
  device?: string;
  /** `bus`: an I2C bus number (`i2c-bus-stall`; without it, the bus of the event's device). */
  fault: { kind: string; bus?: number };
}

/** The I2C bus an event acts on as a whole (`i2c-bus-stall`), `null` for any other event. */
export function eventBus(config: Config, ev: TouchableEvent): number | null {
  if (ev.fault.kind !== 'i2c-bus-stall') return null;
  if (ev.fault.bus !== undefined) return ev.fault.bus;
  const enc = config.enclosures.find((e) => e.id === (ev.enclosure ?? config.enclosures[0].id));
  const s = enc?.sensors.find((x) => x.id === ev.device);
  if (s?.type === 'bme280') return s.bus;
  const a = enc?.actuators.find((x) => x.id === ev.device);
  return (a && actuatorBus(a)) ?? null;
}

/** Process-level kinds: they act on the controller process, not on a device. */
export const PROCESS_KINDS: ReadonlySet<string> = new Set(['crash-restart', 'power-cut', 'process-hang', 'disk-full', 'state-readonly', 'clock-jump']);
const ROOM_KINDS: ReadonlySet<string> = new Set(['room']);
const FLOAT_KINDS: ReadonlySet<string> = new Set(['water-empty', 'float-stuck']);
/** 1-Wire kinds that apply to the whole bus when no device is named. */
const ONEWIRE_KINDS: ReadonlySet<string> = new Set(['onewire-error-rate', 'onewire-absent', 'onewire-crc', 'onewire-power-on']);
const OUTPUT_KINDS: ReadonlySet<string> = new Set(['heater', 'light', 'mister', 'fogger', 'fan', 'cutoff']);

/** Every component id of an enclosure: sensors, then actuators. */
export function enclosureComponents(enc: EnclosureConfig): string[] {
  return [...enc.sensors.map((s) => s.id), ...enc.actuators.map((a) => a.id)];
}

/** The actuators of `enc` that read sensor `s` (see {@link touchedComponents}). */
function readers(enc: EnclosureConfig, s: SensorConfig): string[] {
  const out: string[] = [];
  for (const a of enc.actuators) {
    if (a.kind === 'heater' && (a.sensors.includes(s.id) || a.limit?.sensor === s.id)) out.push(a.id);
    else if (enc.humiditySensors.includes(s.id) && (a.kind === 'mister' || a.kind === 'fogger' || a.kind === 'fan')) out.push(a.id);
  }
  return out;
}

/** The I2C bus an actuator's output or drive is on, if any. */
function actuatorBus(a: ActuatorConfig): number | undefined {
  if (a.kind === 'feeder') return a.drive.type === 'servo' ? a.drive.bus : undefined;
  return a.output.type === 'pca9685' ? a.output.bus : undefined;
}

/** Adds device `id` of `enc` with its readers, or its enclosure's sensors for an output. */
function addDevice(enc: EnclosureConfig, id: string, add: (encId: string, ids: readonly string[]) => void): void {
  add(enc.id, [id]);
  const s = enc.sensors.find((x) => x.id === id);
  if (s) add(enc.id, readers(enc, s));
  const a = enc.actuators.find((x) => x.id === id);
  if (a && OUTPUT_KINDS.has(a.kind)) add(enc.id, enc.sensors.map((x) => x.id));
}

/**
 * The components `ev` touches in `config`. An event without an enclosure applies to the first
 * enclosure (as the fault injector does).
 */
export function touchedComponents(config: Config, ev: TouchableEvent): Touches {
  const kind = ev.fault.kind;
  const sets = new Map<string, Set<string>>();
  const add = (encId: string, ids: readonly string[]): void => {
    let set = sets.get(encId);
    if (!set) sets.set(encId, (set = new Set()));
    for (const id of ids) set.add(id);
  };
  const result = (scope: Touches['scope'], all = false): Touches => {
    const components: Record<string, string[]> = {};
    for (const [encId, set] of sets) components[encId] = [...set];
    return { all, scope, components };
  };
  if (PROCESS_KINDS.has(kind)) {
    for (const enc of config.enclosures) add(enc.id, enclosureComponents(enc));
    return result('process', true);
  }
  if (ROOM_KINDS.has(kind)) {
    for (const enc of config.enclosures) add(enc.id, enc.sensors.map((s) => s.id));
    return result('room');
  }
  const enc = config.enclosures.find((e) => e.id === (ev.enclosure ?? config.enclosures[0].id)) ?? config.enclosures[0];
  const bus = eventBus(config, ev);
  if (bus !== null) {
    for (const e of config.enclosures) {
      for (const s of e.sensors) if (s.type === 'bme280' && s.bus === bus) addDevice(e, s.id, add);
      for (const a of e.actuators) if (actuatorBus(a) === bus) addDevice(e, a.id, add);
    }
    return result('bus');
  }
  if (ev.device !== undefined && kind !== 'operator') {
    addDevice(enc, ev.device, add);
    if (FLOAT_KINDS.has(kind)) add(enc.id, enc.sensors.map((s) => s.id));
    return result('device');
  }
  if (ONEWIRE_KINDS.has(kind)) {
    for (const e of config.enclosures) for (const s of e.sensors) if (s.type === 'ds18b20') addDevice(e, s.id, add);
    return result('bus');
  }
  if (FLOAT_KINDS.has(kind)) {
    add(enc.id, enc.actuators.filter((a) => a.kind === 'mister' || a.kind === 'fogger').map((a) => a.id));
    add(enc.id, enc.sensors.map((s) => s.id));
    return result('device');
  }
  add(enc.id, enclosureComponents(enc));
  return result('enclosure');
}

/** True when `touches` covers component `component` of enclosure `enclosureId`. */
export function touches(t: Touches, enclosureId: string, component: string): boolean {
  return t.all || (t.components[enclosureId]?.includes(component) ?? false);
}
