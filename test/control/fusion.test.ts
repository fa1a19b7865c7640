import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Quality, Reading } from '../../src/devices/reading.js';
import { effectiveReading, fuseMeasurements, isTrustworthy } from '../../src/control/fusion.js';

const r = (sensorId: string, value: number | null, quality: Quality = 'ok', quantity: Reading['quantity'] = 'temperature'): Reading => ({
  sensorId,
  quantity,
  value,
  at: value === null ? null : 1000,
  quality,
});

describe('effectiveReading', () => {
  it.each([
    ['the primary when it is ok', [r('air', 25), r('probe', 26)], 'air'],
    ['the secondary when the primary is stale', [r('air', 25, 'stale'), r('probe', 26)], 'probe'],
    ['the secondary when the primary is implausible (or stuck)', [r('air', 85, 'implausible'), r('probe', 26)], 'probe'],
    ['the secondary when the primary is missing', [r('air', null, 'missing'), r('probe', 26)], 'probe'],
    ['nothing when every probe is stale, implausible or missing', [r('air', 25, 'stale'), r('probe', 85, 'implausible'), r('x', null, 'missing')], null],
    ['nothing for an ok reading without a finite value', [r('air', Number.NaN), r('probe', null)], null],
    ['nothing for no readings', [], null],
  ])('picks %s', (_name, readings, expected) => {
    expect(effectiveReading(readings)?.sensorId ?? null).toBe(expected);
  });

  it('skips holes in the list', () => {
    expect(effectiveReading([undefined, r('probe', 20)])?.value).toBe(20);
    expect(isTrustworthy(undefined)).toBe(false);
  });
});

describe('fuseMeasurements (shipped simulated config: air = BME280, probe = DS18B20, heater sensors [air, probe])', () => {
  const enc = loadConfig('config/simulated.json').enclosures[0];

  it('takes temperature from the heater\'s sensor list in order, humidity and pressure from the BME280', () => {
    const m = fuseMeasurements(enc, {
      air: { temperature: r('air', 27), humidity: r('air', 40, 'ok', 'humidity'), pressure: r('air', 101_325, 'ok', 'pressure') },
      probe: { temperature: r('probe', 29) },
    });
    expect([m.temperature?.sensorId, m.temperature?.value, m.humidity?.value, m.pressure?.value]).toEqual(['air', 27, 40, 101_325]);
  });

  it('falls back to the probe for temperature when the air sensor is stale, and leaves humidity unknown', () => {
    const m = fuseMeasurements(enc, {
      air: { temperature: r('air', 27, 'stale'), humidity: r('air', 40, 'stale', 'humidity') },
      probe: { temperature: r('probe', 29) },
    });
    expect([m.temperature?.sensorId, m.humidity, m.pressure]).toEqual(['probe', null, null]);
  });

  it('gives null measurements when no sensor has read yet', () => {
    const m = fuseMeasurements(enc, {});
    expect([m.temperature, m.humidity, m.pressure]).toEqual([null, null, null]);
  });
});

describe('fuseMeasurements with sensors the diagnosis distrusts', () => {
  const enc = loadConfig('config/simulated.json').enclosures[0];
  it('skips a distrusted primary and falls back to the next sensor of the heater list, everywhere', () => {
    const by = { air: { temperature: r('air', 22.8) }, probe: { temperature: r('probe', 31.75) } };
    const m = fuseMeasurements(enc, by, new Set(['air']));
    expect(m.temperature?.sensorId).toBe('probe');
    expect(m.bySensor.air.temperature?.quality).toBe('implausible');
    expect(m.bySensor.air.temperature?.reason).toMatch(/distrusted/);
    expect(by.air.temperature.quality).toBe('ok');
  });
  it('uses the primary when nothing is distrusted', () => {
    const m = fuseMeasurements(enc, { air: { temperature: r('air', 22.8) }, probe: { temperature: r('probe', 31.75) } }, new Set());
    expect(m.temperature?.sensorId).toBe('air');
  });
});
