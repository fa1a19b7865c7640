import pino from 'pino';
import { type Config, parseConfig } from '../../../src/config/load.js';
import type { EnclosureSnapshot } from '../../../src/control/snapshot.js';
import type { CommandResult, CommandSink } from '../../../src/telemetry/telemetry.js';

/** 2026-03-01T10:00:00Z: the virtual clocks of these tests start here. */
export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** A silent pino logger. */
export const silentLog = (): pino.Logger => pino({ level: 'silent' });

/** The `gecko` enclosure of config/simulated.json (BME280 + DS18B20, heater, lights, mister, fan, feeder). */
export function geckoEnclosure(id = 'gecko', name = 'Leopard gecko'): Record<string, unknown> {
  return {
    id,
    name,
    profile: 'leopard-gecko',
    sensors: [
      { id: 'air', type: 'bme280', bus: 1, address: 118 },
      { id: 'probe', type: 'ds18b20', deviceId: '28-000005e2fdc3' },
    ],
    actuators: [
      { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: id === 'gecko' ? 17 : 5 }, sensors: ['air', 'probe'] },
      { id: 'lights', kind: 'light', output: { type: 'gpio', pin: id === 'gecko' ? 27 : 6 } },
      { id: 'mister', kind: 'mister', output: { type: 'gpio', pin: id === 'gecko' ? 22 : 13 } },
      { id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: id === 'gecko' ? 24 : 19 } },
      { id: 'feeder', kind: 'feeder', drive: { type: 'servo', bus: 1, address: 64, channel: id === 'gecko' ? 0 : 1 } },
    ],
  };
}

/** A second, smaller enclosure (DS18B20 only, one heat mat). */
export function smallEnclosure(id = 'hatchlings'): Record<string, unknown> {
  return {
    id,
    name: 'Hatchling tub',
    profile: 'leopard-gecko',
    sensors: [{ id: 'mat-probe', type: 'ds18b20', deviceId: '28-0000075ab123' }],
    actuators: [{ id: 'heat-mat', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 26 }, sensors: ['mat-probe'] }],
  };
}

/** A validated config with an `mqtt` section (`mqtt` keys override the defaults). */
export function testConfig(mqtt: Record<string, unknown> | null, enclosures: Array<Record<string, unknown>> = [geckoEnclosure()]): Config {
  return parseConfig({
    controller: { id: 'terra01', name: 'Reptile room' },
    hardware: { backend: 'sim' },
    ...(mqtt ? { mqtt } : {}),
    enclosures,
  });
}

/** A snapshot of `gecko` at wall time `at`, air at `tempC`. */
export function snapshot(at: number, tempC: number | null, over: Partial<EnclosureSnapshot> = {}): EnclosureSnapshot {
  return {
    enclosureId: 'gecko',
    name: 'Leopard gecko',
    at,
    mode: 'normal',
    phase: 'day',
    lightLevel: 1,
    setpointC: 28,
    hysteresisC: 1,
    setpointOverridden: false,
    humidityRange: { minPct: 30, maxPct: 50 },
    limits: { minC: 16, maxC: 36, maxHumidityPct: 70 },
    temperature: tempC === null ? null : { sensorId: 'air', quantity: 'temperature', value: tempC, at, quality: 'ok' },
    humidity: { sensorId: 'air', quantity: 'humidity', value: 41.234, at, quality: 'ok' },
    pressure: { sensorId: 'air', quantity: 'pressure', value: 100123.6, at, quality: 'ok' },
    actuators: {
      heater: { kind: 'heater', on: true, reason: 'below setpoint' },
      lights: { kind: 'light', on: true, level: 1, reason: 'day' },
      mister: { kind: 'mister', on: false, reason: 'humidity in band' },
      cutoff: { kind: 'cutoff', on: true, reason: 'closed' },
    },
    faults: [],
    lastFedAt: null,
    health: [],
    ...over,
  };
}

/** A CommandSink that records every call and answers ok (or what `answer` returns). */
export class RecordingSink implements CommandSink {
  calls: Array<[string, ...unknown[]]> = [];

  constructor(private readonly answer: (method: string) => CommandResult = () => ({ ok: true, detail: 'done' })) {}

  private rec(method: string, ...args: unknown[]): CommandResult {
    this.calls.push([method, ...args]);
    return this.answer(method);
  }

  setMode(enclosureId: string, mode: 'auto' | 'manual'): CommandResult {
    return this.rec('setMode', enclosureId, mode);
  }

  setSetpointOverride(enclosureId: string, valueC: number, durationMinutes: number): CommandResult {
    return this.rec('setSetpointOverride', enclosureId, valueC, durationMinutes);
  }

  clearSetpointOverride(enclosureId: string): CommandResult {
    return this.rec('clearSetpointOverride', enclosureId);
  }

  setOutput(enclosureId: string, actuatorId: string, on: boolean): CommandResult {
    return this.rec('setOutput', enclosureId, actuatorId, on);
  }

  feedNow(enclosureId: string): CommandResult {
    return this.rec('feedNow', enclosureId);
  }

  acknowledge(enclosureId: string): CommandResult {
    return this.rec('acknowledge', enclosureId);
  }
}
