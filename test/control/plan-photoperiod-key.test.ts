import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { fuseMeasurements } from '../../src/control/fusion.js';
import { initialControlState, type PlanContext, photoperiodKey, planEnclosure } from '../../src/control/plan.js';
import type { Reading } from '../../src/devices/reading.js';

const enc = parseConfig({
  controller: { id: 'test', timezone: 'Europe/Berlin' },
  hardware: { backend: 'sim' },
  enclosures: [
    {
      id: 'gecko',
      name: 'Leopard gecko',
      profile: 'leopard-gecko',
      sensors: [{ id: 'air', type: 'bme280' }],
      actuators: [
        { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air'] },
        { id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 } },
      ],
    },
  ],
}).enclosures[0];

const ok = (quantity: Reading['quantity'], value: number): Reading => ({ sensorId: 'air', quantity, value, at: 0, quality: 'ok' });
const m = fuseMeasurements(enc, { air: { temperature: ok('temperature', 25), humidity: ok('humidity', 40), pressure: ok('pressure', 101_325) } });

describe('planEnclosure with a caller-kept photoperiod key', () => {
  it.each(['2026-06-01T05:00:00Z', '2026-06-01T06:10:00Z', '2026-06-01T12:00:00Z', '2026-12-24T19:50:00Z'])('plans exactly as without it at %s', (iso) => {
    const now = Date.parse(iso);
    const ctx: PlanContext = { now, mono: 1_000_000, timezone: 'Europe/Berlin', clockPlausible: true, mode: 'normal' };
    const state = initialControlState(enc);
    const plain = planEnclosure(enc, m, {}, state, ctx);
    const keyed = planEnclosure(enc, m, {}, state, { ...ctx, photoperiodKey: photoperiodKey(enc.climate, 'Europe/Berlin') });
    expect(keyed).toEqual(plain);
  });

  it('recomputes the cached day when the key changes (another zone or profile)', () => {
    const now = Date.parse('2026-06-01T06:10:00Z');
    const ctx: PlanContext = { now, mono: 0, timezone: 'Europe/Berlin', clockPlausible: true, mode: 'normal' };
    const first = planEnclosure(enc, m, {}, initialControlState(enc), ctx);
    // Same state, but a key naming another zone: the cached Berlin day is not reused, UTC midnight starts the day.
    const other = planEnclosure(enc, m, {}, first.state, { ...ctx, timezone: 'UTC', photoperiodKey: photoperiodKey(enc.climate, 'UTC') });
    expect(other.state.day?.key).toBe(photoperiodKey(enc.climate, 'UTC'));
    expect(other.state.day?.dayStart).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(first.state.day?.dayStart).toBe(Date.parse('2026-05-31T22:00:00Z'));
  });
});
