import { describe, expect, it } from 'vitest';
import type { ComponentHealth } from '../../src/resilience/health-types.js';
import { eventPayload, healthPayload, readingPayload, statePayload } from '../../src/telemetry/payloads.js';
import { T0, snapshot } from './support/fixtures.js';

const ISO0 = '2026-03-01T10:00:00.000Z';

describe('state document', () => {
  it('carries units, ISO times, outputs, setpoints, mode and phase', () => {
    const s = snapshot(T0, 27.456, {
      setpointOverridden: true,
      lastFedAt: T0 - 3600_000,
      faults: [{ kind: 'over-temperature', component: 'air', at: T0 - 60_000, latched: true, message: 'air 36.4 °C above 36 °C' }],
      health: [{ id: 'air', enclosureId: 'gecko', kind: 'sensor', status: 'degraded', lastSuccessAt: T0, lastErrorAt: T0, counters: { reads: 5, failures: 1, retries: 1, recoveries: 0 } }],
    });
    expect(statePayload(s)).toEqual({
      enclosureId: 'gecko',
      name: 'Leopard gecko',
      at: ISO0,
      mode: 'normal',
      phase: 'day',
      lightLevelPct: 100,
      setpointC: 28,
      hysteresisC: 1,
      setpointOverridden: true,
      humidityRange: { minPct: 30, maxPct: 50 },
      limits: { minC: 16, maxC: 36, maxHumidityPct: 70 },
      temperatureC: 27.46,
      humidityPct: 41.23,
      pressurePa: 100124,
      temperature: { sensorId: 'air', value: 27.456, unit: '°C', quality: 'ok', at: ISO0 },
      humidity: { sensorId: 'air', value: 41.234, unit: '%RH', quality: 'ok', at: ISO0 },
      pressure: { sensorId: 'air', value: 100123.6, unit: 'Pa', quality: 'ok', at: ISO0 },
      actuators: {
        heater: { kind: 'heater', on: true, state: 'ON', reason: 'below setpoint' },
        lights: { kind: 'light', on: true, state: 'ON', level: 1, reason: 'day' },
        mister: { kind: 'mister', on: false, state: 'OFF', reason: 'humidity in band' },
        cutoff: { kind: 'cutoff', on: true, state: 'ON', reason: 'closed' },
      },
      faultActive: true,
      latchedFault: true,
      faults: [{ kind: 'over-temperature', component: 'air', at: '2026-03-01T09:59:00.000Z', latched: true, message: 'air 36.4 °C above 36 °C' }],
      healthProblem: true,
      components: { air: 'degraded' },
      lastFedAt: '2026-03-01T09:00:00.000Z',
      hvacAction: 'heating',
    });
  });

  it('says what the heating does in Home Assistant climate words: heating, idle, or off in safe mode', () => {
    const off = { kind: 'heater' as const, on: false, reason: 'above setpoint' };
    expect(statePayload(snapshot(T0, 27)).hvacAction).toBe('heating');
    expect(statePayload(snapshot(T0, 29, { actuators: { heater: off } })).hvacAction).toBe('idle');
    expect(statePayload(snapshot(T0, 29, { mode: 'safe', actuators: { heater: { ...off, reason: 'heat lockout' } } })).hvacAction).toBe('off');
  });

  it('shows a stale or missing temperature as null, never as its last value', () => {
    const stale = snapshot(T0, 30, {});
    stale.temperature = { sensorId: 'air', quantity: 'temperature', value: 30, at: T0 - 120_000, quality: 'stale', reason: 'no sample for 120 s' };
    const p = statePayload(stale);
    expect(p.temperatureC).toBeNull();
    expect(p.temperature).toEqual({ sensorId: 'air', value: 30, unit: '°C', quality: 'stale', reason: 'no sample for 120 s', at: '2026-03-01T09:58:00.000Z' });
    expect(statePayload(snapshot(T0, null)).temperatureC).toBeNull();
    expect(statePayload(snapshot(T0, null)).temperature).toBeNull();
  });
});

describe('reading row', () => {
  it('keeps the snapshot time and the quality of each quantity', () => {
    expect(readingPayload(snapshot(T0, 25))).toEqual({
      at: ISO0,
      temperatureC: 25,
      humidityPct: 41.23,
      pressurePa: 100124,
      quality: { temperature: 'ok', humidity: 'ok', pressure: 'ok' },
      setpointC: 28,
      mode: 'normal',
      phase: 'day',
      actuators: { heater: true, lights: true, mister: false, cutoff: true },
    });
  });
});

describe('event payload', () => {
  it('uses the event time, as ISO, including nested ones', () => {
    const e = eventPayload('gecko', { type: 'fault', fault: { kind: 'thermal-runaway', component: 'heater', at: T0 - 1000, latched: true, message: 'm' } }, T0 + 5000);
    expect(e).toEqual({ type: 'fault', enclosureId: 'gecko', at: '2026-03-01T09:59:59.000Z', fault: { kind: 'thermal-runaway', component: 'heater', at: '2026-03-01T09:59:59.000Z', latched: true, message: 'm' } });
  });

  it('stamps an event without a time with now', () => {
    expect(eventPayload(null, { type: 'outbox-note', detail: 'x', lastSeenAt: T0 }, T0)).toEqual({ type: 'outbox-note', enclosureId: null, at: ISO0, detail: 'x', lastSeenAt: ISO0 });
  });
});

describe('health document', () => {
  it('lists components with ISO times and flags a problem', () => {
    const h: ComponentHealth = { id: 'probe', enclosureId: 'gecko', kind: 'sensor', status: 'failed', reason: 'ENOENT', breaker: 'open', lastSuccessAt: null, lastErrorAt: T0, lastError: 'gone', counters: { reads: 1, failures: 9, retries: 3, recoveries: 0 } };
    expect(healthPayload([h], T0)).toEqual({
      at: ISO0,
      problem: true,
      components: { probe: { kind: 'sensor', status: 'failed', reason: 'ENOENT', breaker: 'open', lastSuccessAt: null, lastErrorAt: ISO0, lastError: 'gone', counters: { reads: 1, failures: 9, retries: 3, recoveries: 0 } } },
    });
  });
});
