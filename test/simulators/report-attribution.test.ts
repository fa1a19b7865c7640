import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { AFTERMATH_MS, attributeFaults } from '../../simulators/report/attribution.js';
import { touchedComponents } from '../../simulators/report/touches.js';
import type { InjectedEvent, SafetyViolation } from '../../simulators/report/types.js';

const config = loadConfig('config/simulated.json');
const T0 = Date.parse('2026-06-01T03:00:00Z');
const MIN = 60_000;

function injected(ev: Parameters<typeof touchedComponents>[1], at: number, clearedAt: number | null): InjectedEvent {
  return { kind: ev.fault.kind, at, mono: at - T0, enclosure: null, device: ev.device ?? null, bus: null, fields: {}, durationSeconds: null, touches: touchedComponents(config, ev), clearedAt, recovery: null };
}

describe('touches', () => {
  it('a sensor event touches the sensor and what reads it; an output event also what the sensors measure; a room event only the sensors', () => {
    expect(touchedComponents(config, { device: 'probe', fault: { kind: 'onewire-absent' } }).components).toEqual({ gecko: ['probe', 'heater'] });
    expect(touchedComponents(config, { device: 'air', fault: { kind: 'i2c-disconnect' } }).components).toEqual({ gecko: ['air', 'heater', 'mister', 'fan'] });
    expect(touchedComponents(config, { device: 'heater', fault: { kind: 'heater-dead' } }).components).toEqual({ gecko: ['heater', 'air', 'probe'] });
    expect(touchedComponents(config, { fault: { kind: 'room' } })).toEqual({ all: false, scope: 'room', components: { gecko: ['air', 'probe'] } });
    expect(touchedComponents(config, { fault: { kind: 'water-empty' } }).components).toEqual({ gecko: ['mister', 'air', 'probe'] });
    expect(touchedComponents(config, { fault: { kind: 'power-cut' } })).toMatchObject({ all: true, scope: 'process' });
  });

  it('a stalled I2C bus touches every device on it: the BME280 and the PCA9685-driven feeder', () => {
    const t = touchedComponents(config, { device: 'air', fault: { kind: 'i2c-bus-stall' } });
    expect(t.scope).toBe('bus');
    expect(t.components.gecko).toEqual(expect.arrayContaining(['air', 'heater', 'mister', 'fan', 'feeder']));
    expect(t.components.gecko).not.toContain('probe');
  });
});

describe('fault attribution', () => {
  const coldSnap = injected({ fault: { kind: 'room' } }, T0, T0 + 60 * MIN);
  const probeGone = injected({ device: 'probe', fault: { kind: 'onewire-absent' } }, T0 + 10 * MIN, T0 + 12 * MIN);

  it('names the most recent event that touched the component, with the time since it started', () => {
    const [f] = attributeFaults('gecko', [{ kind: 'sensor-missing', component: 'probe', at: T0 + 10 * MIN + 4000 }], [coldSnap, probeGone], []);
    expect(f).toMatchObject({ event: 1, sinceEventSeconds: 4, falseAlarm: false });
  });

  it('calls a heater fault during a cold snap a false alarm: the snap touches what the sensors measure, not the heater', () => {
    const [f] = attributeFaults('gecko', [{ kind: 'heater-no-heat', component: 'heater', at: T0 + 30 * MIN }], [coldSnap], []);
    expect(f).toMatchObject({ event: null, sinceEventSeconds: null, falseAlarm: true });
  });

  it('keeps an event as the cause for its aftermath after clearing, not beyond', () => {
    const within = { kind: 'sensor-stale', component: 'probe', at: T0 + 12 * MIN + AFTERMATH_MS };
    const after = { kind: 'sensor-stale', component: 'probe', at: T0 + 12 * MIN + AFTERMATH_MS + 1 };
    const [a, b] = attributeFaults('gecko', [within, after], [probeGone], []);
    expect(a.event).toBe(0);
    expect(b).toMatchObject({ event: null, falseAlarm: true });
  });

  it('does not call a limit fault false when the true air confirms it', () => {
    const violation: SafetyViolation = { kind: 'over-temperature', from: T0, to: T0 + 5 * MIN, worst: 36.4, limit: 36, seconds: 300 };
    const faults = [
      { kind: 'over-temperature', component: 'air', at: T0 + 1000 },
      { kind: 'over-temperature', component: 'air', at: T0 + 60 * MIN },
    ];
    const [confirmed, unconfirmed] = attributeFaults('gecko', faults, [], [violation]);
    expect(confirmed).toMatchObject({ event: null, falseAlarm: false });
    expect(unconfirmed).toMatchObject({ event: null, falseAlarm: true });
  });
});
