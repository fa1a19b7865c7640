import { describe, expect, it } from 'vitest';
import { guardEnclosure, initialGuardState } from '../../../src/control/guard.js';
import { OVER_TEMP_LATCH_AFTER_MS } from '../../../src/control/interlocks/over-temperature.js';
import { context, drive, enclosure, measurements, MIN, plan, temp } from './fixtures.js';

const enc = enclosure(); // leopard gecko: safety.maxC 36 °C
const heaterOn = plan({ heater: 'below setpoint', lights: 'day' });

function once(temps: Parameters<typeof measurements>[0]) {
  return guardEnclosure(enc, measurements(temps), heaterOn, initialGuardState(), context(0));
}

describe('over-temperature cutoff', () => {
  it.each([
    ['air just below the limit', { air: 35.99, probe: 30 }, true],
    ['air exactly at safety.maxC', { air: 36, probe: 30 }, false],
    ['air above the limit', { air: 38, probe: 30 }, false],
    ['a probe at the limit while the air is fine', { air: 30, probe: 36 }, false],
    ['a stale hot reading (not trustworthy)', { air: temp('air', 40, 'stale'), probe: 30 }, true],
    ['an implausible hot reading (DS18B20 85 °C power-on value)', { air: 30, probe: temp('probe', 85, 'implausible') }, true],
  ] as const)('%s -> heater on: %s', (_name, temps, heaterStaysOn) => {
    const r = once(temps);
    expect(r.outputs.heater.on).toBe(heaterStaysOn);
    expect(r.outputs.lights.on).toBe(true);
    expect(r.faults.some((f) => f.kind === 'over-temperature')).toBe(!heaterStaysOn);
  });

  it('names the reading and the limit in the reason and raises a non-latched fault for the sensor', () => {
    const r = once({ air: 36.24, probe: 30 });
    expect(r.outputs.heater).toEqual({ on: false, reason: 'over-temperature cutoff: 36.2 °C ≥ 36.0 °C' });
    expect(r.faults).toEqual([expect.objectContaining({ kind: 'over-temperature', component: 'air', latched: false })]);
    expect(r.heatLockout).toBe(false);
  });

  it('releases only once every temperature is 0.5 °C below the limit', () => {
    const temps = [36.1, 35.6, 35.51, 35.5, 35.49];
    const results = drive(enc, temps.length, MIN, (mono) => ({ m: measurements({ air: temps[mono / MIN], probe: 30 }), plan: heaterOn }));
    expect(results.map((r) => r.outputs.heater.on)).toEqual([false, false, false, false, true]);
  });

  it('holds the cutoff while no trustworthy temperature confirms cooling', () => {
    const results = drive(enc, 3, MIN, (mono) => ({
      m: mono === 0 ? measurements({ air: 37, probe: 30 }) : measurements({ air: temp('air', null, 'missing'), probe: temp('probe', null, 'missing') }),
      plan: plan({ heater: 'fallback duty 30 % of 30 min' }),
    }));
    expect(results.map((r) => r.outputs.heater.on)).toEqual([false, false, false]);
  });

  it('latches after the limit persisted 15 min in one trip (heat off did not help), locking out heat', () => {
    const steps = OVER_TEMP_LATCH_AFTER_MS / MIN + 2;
    const results = drive(enc, steps, MIN, () => ({ m: measurements({ air: 36.5, probe: 30 }), plan: heaterOn }));
    const latchedAt = results.findIndex((r) => r.state.latched.some((f) => f.kind === 'over-temperature'));
    expect(latchedAt).toBe(15); // trip at step 0, 15 min at/above the limit at step 15
    expect(results[15].heatLockout).toBe(true);
    expect(results[15].outputs.cutoff.on).toBe(false);
    expect(results[15].events).toContainEqual({ type: 'fault', fault: expect.objectContaining({ kind: 'over-temperature', latched: true }) });
  });

  it('latches on the third trip within 24 h (the loop keeps overshooting)', () => {
    // Each hour: 1 min at 36.5 °C, then 59 min at 30 °C.
    const results = drive(enc, 3 * 60, MIN, (mono) => ({ m: measurements({ air: (mono / MIN) % 60 === 0 ? 36.5 : 30, probe: 30 }), plan: heaterOn }));
    const latched = results.map((r) => r.state.latched.length > 0);
    expect(latched.indexOf(true)).toBe(120);
    expect(results[119].heatLockout).toBe(false);
  });

  it('does not count trips older than 24 h', () => {
    // One trip every 13 h: never three within 24 h.
    const results = drive(enc, 60, 13 * 60 * MIN / 2, (mono) => ({ m: measurements({ air: (mono / (13 * 30 * MIN)) % 2 === 0 ? 36.5 : 30, probe: 30 }), plan: heaterOn }));
    expect(results.every((r) => r.state.latched.every((f) => f.kind !== 'over-temperature'))).toBe(true);
  });
});

describe('heater limit probe', () => {
  const mat = enclosure({
    actuators: [
      { id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 17 }, sensors: ['air'], limit: { sensor: 'probe', maxC: 40 } },
      { id: 'lamp', kind: 'heater', heaterType: 'basking-lamp', powerW: 50, output: { type: 'gpio', pin: 18 }, sensors: ['air'] },
    ],
  });
  const both = plan({ mat: 'below setpoint', lamp: 'below setpoint' });
  const run = (temps: Parameters<typeof measurements>[0]) => guardEnclosure(mat, measurements(temps), both, initialGuardState(), context(0));

  it('does not trip the enclosure cutoff on a mat surface above the air limit', () => {
    const r = run({ air: 27.8, probe: 38 });
    expect([r.outputs.mat.on, r.outputs.lamp.on]).toEqual([true, true]);
  });

  it('turns only that heater off at its limit.maxC, silently: thermal lag past the switch-off point is the limit at work', () => {
    const r = run({ air: 27.8, probe: 42 });
    expect(r.outputs.mat).toEqual({ on: false, reason: 'limit probe probe 42.0 °C ≥ 40.0 °C' });
    expect(r.outputs.lamp.on).toBe(true);
    expect(r.faults.filter((f) => f.kind === 'over-temperature')).toEqual([]);
  });

  it('raises over-temperature naming the heater beyond limit.maxC + 5 °C, and latches it (cutoff open) after 5 min off', () => {
    const withCutoff = enclosure({
      actuators: [...mat.actuators, { id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24 } }],
    });
    const results = drive(withCutoff, 7, MIN, () => ({ m: measurements({ air: 27.8, probe: 46 }), plan: plan({ mat: 'limit' }) }));
    expect(results[0].faults).toContainEqual(expect.objectContaining({ kind: 'over-temperature', component: 'mat', latched: false }));
    expect(results[0].faults[0].message).toMatch(/mat overheating: its surface probe probe reads 46\.0 °C/);
    const latchedAt = results.findIndex((r) => r.state.latched.some((f) => f.kind === 'over-temperature' && f.component === 'mat'));
    expect(latchedAt).toBe(5);
    expect(results[latchedAt].outputs.cutoff.on).toBe(false);
  });

  it('treats a limit probe reading beyond the plausible range (high) as an overheat, not as a failed probe', () => {
    const hot = temp('probe', 75, 'implausible', 'out of plausible range 0..60 °C');
    const r = run({ air: 27.8, probe: hot });
    expect(r.outputs.mat.on).toBe(false);
    expect(r.outputs.mat.reason).toMatch(/beyond the plausible range/);
    expect(r.faults).toContainEqual(expect.objectContaining({ kind: 'over-temperature', component: 'mat' }));
  });

  it('caps the heater to the fallback duty when its limit probe has no trustworthy reading', () => {
    const r = run({ air: 27.8, probe: temp('probe', null, 'missing') });
    expect(r.outputs.mat).toEqual({ on: false, reason: 'limit probe probe has no trustworthy reading: heater only under the fallback duty' });
    expect(r.outputs.lamp.on).toBe(true);
    const capped = plan({ mat: '27.8 °C below 27.5 °C; limit probe probe unknown: capped to fallback duty 30 % of 30 min' });
    const r2 = guardEnclosure(mat, measurements({ air: 27.8, probe: temp('probe', null, 'missing') }), capped, initialGuardState(), context(0));
    expect(r2.outputs.mat.on).toBe(true);
  });

  it('holds a tripped limit while the probe reading is lost', () => {
    const results = drive(mat, 3, MIN, (mono) => ({
      m: measurements({ air: 27.8, probe: mono === 0 ? temp('probe', 41, 'ok') : temp('probe', null, 'missing') }),
      plan: plan({ mat: 'fallback duty 30 % of 30 min' }),
    }));
    expect(results.map((r) => r.outputs.mat.on)).toEqual([false, false, false]);
  });
});
