import { parseConfig, type EnclosureConfig } from '../../../src/config/load.js';
import type { Quality, Reading, ReadingsBySensor } from '../../../src/devices/reading.js';
import { guardEnclosure, initialGuardState, type GuardContext, type GuardResult, type GuardState } from '../../../src/control/guard.js';
import type { Measurements, OutputPlan } from '../../../src/control/types.js';

/** Wall ms of the test epoch: 2026-06-01T12:00:00Z (a plausible, DST-free date). */
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
export const MIN = 60_000;

/**
 * The reference enclosure of config/simulated.json (leopard gecko: day 28 °C, h 1 °C, safety
 * 16..36 °C, fallback 30 % day / 20 % night over 30 min, mister max pulse 5 s / 120 min), plus a
 * cutoff relay. `extra` replaces or adds enclosure fields.
 */
export function enclosure(extra: Record<string, unknown> = {}): EnclosureConfig {
  const raw = {
    controller: { id: 'test', timezone: 'Europe/Berlin' },
    hardware: { backend: 'sim' },
    enclosures: [
      {
        id: 'gecko',
        name: 'Leopard gecko',
        profile: 'leopard-gecko',
        sensors: [
          { id: 'air', type: 'bme280' },
          { id: 'probe', type: 'ds18b20', deviceId: '28-000005e2fdc3' },
        ],
        actuators: [
          { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air', 'probe'] },
          { id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 } },
          { id: 'mister', kind: 'mister', output: { type: 'gpio', pin: 22 } },
          { id: 'fan', kind: 'fan', output: { type: 'gpio', pin: 23 } },
          { id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24 } },
          { id: 'feeder', kind: 'feeder', drive: { type: 'servo', channel: 0 } },
        ],
        waterLevel: { pin: 5 },
        ...extra,
      },
    ],
  };
  return parseConfig(raw).enclosures[0];
}

/** A temperature reading. */
export function temp(sensorId: string, value: number | null, quality: Quality = 'ok', reason?: string): Reading {
  return { sensorId, quantity: 'temperature', value, at: value === null ? null : T0, quality, ...(reason ? { reason } : {}) };
}

/** Measurements with the given temperatures by sensor id (a number is an `ok` reading; `air` also gets 40 %RH). */
export function measurements(temps: Record<string, number | Reading>): Measurements {
  const bySensor: ReadingsBySensor = {};
  for (const [id, v] of Object.entries(temps)) {
    bySensor[id] = { temperature: typeof v === 'number' ? temp(id, v) : v };
    if (id === 'air') bySensor[id].humidity = { sensorId: id, quantity: 'humidity', value: 40, at: T0, quality: 'ok' };
  }
  const air = bySensor.air?.temperature ?? null;
  return { temperature: air && air.quality === 'ok' ? air : null, humidity: bySensor.air?.humidity ?? null, pressure: null, bySensor };
}

/** A plan with the given outputs on (reason `test`) and the rest of `ids` off. */
export function plan(on: Record<string, boolean | string>): OutputPlan {
  const out: OutputPlan = {};
  for (const [id, v] of Object.entries(on)) out[id] = { on: v !== false, reason: typeof v === 'string' ? v : 'test' };
  return out;
}

/** A context at guard step `mono` (ms) with the day setpoint of the leopard gecko profile. */
export function context(mono: number, applied: Record<string, boolean> = {}, extra: Partial<GuardContext> = {}): GuardContext {
  return { now: T0 + mono, mono, waterLow: false, applied, setpointC: 28, hysteresisC: 1, daytime: true, ...extra };
}

/**
 * Drives the guard like the app does: every `stepMs`, plan -> guard -> apply (applied = outputs),
 * with the state through a JSON round trip. `at(mono)` gives the measurements and plan per step.
 */
export function drive(
  enc: EnclosureConfig,
  steps: number,
  stepMs: number,
  at: (mono: number, last: GuardResult | null) => { m: Measurements; plan: OutputPlan; ctx?: Partial<GuardContext> },
  start: { state?: GuardState; mono?: number } = {},
): GuardResult[] {
  let state = start.state ?? initialGuardState();
  let applied: Record<string, boolean> = {};
  const results: GuardResult[] = [];
  for (let i = 0; i < steps; i++) {
    const mono = (start.mono ?? 0) + i * stepMs;
    const { m, plan: p, ctx } = at(mono, results.at(-1) ?? null);
    const r = guardEnclosure(enc, m, p, state, context(mono, applied, ctx));
    results.push(r);
    state = JSON.parse(JSON.stringify(r.state)) as GuardState;
    applied = Object.fromEntries(Object.entries(r.outputs).map(([id, c]) => [id, c.on]));
  }
  return results;
}
