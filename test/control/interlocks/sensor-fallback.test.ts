import { describe, expect, it } from 'vitest';
import { guardEnclosure, initialGuardState, isFallbackReason } from '../../../src/control/guard.js';
import { sensorFaultKind } from '../../../src/control/interlocks/sensor-fallback.js';
import { context, drive, enclosure, measurements, MIN, plan, temp } from './fixtures.js';

const enc = enclosure(); // fallback: 30 % by day, 20 % by night, 30 min period
const stale = () => measurements({ air: temp('air', 27, 'stale', 'no sample for 75 s'), probe: temp('probe', null, 'missing') });

describe('stale, implausible, stuck or missing temperature', () => {
  it('turns the heater off in the same tick when the plan keeps it on without the fallback rule', () => {
    const r = guardEnclosure(enc, stale(), plan({ heater: 'below setpoint' }), initialGuardState(), context(0));
    expect(r.outputs.heater).toEqual({ on: false, reason: 'no trustworthy temperature (air, probe): heater only under the fallback duty' });
  });

  it('lets the heater follow the fallback duty', () => {
    const r = guardEnclosure(enc, stale(), plan({ heater: 'fallback duty 30 % of 30 min' }), initialGuardState(), context(0));
    expect(r.outputs.heater.on).toBe(true);
  });

  it('uses the secondary probe when the primary is stale (no fallback needed)', () => {
    const r = guardEnclosure(enc, measurements({ air: temp('air', 27, 'stale'), probe: 27.5 }), plan({ heater: 'below setpoint' }), initialGuardState(), context(0));
    expect(r.outputs.heater.on).toBe(true);
  });

  it.each([
    [true, 9],
    [false, 6],
  ])('never lets the fallback duty exceed its share of the period (daytime %s: %i of 30 min)', (daytime, minutes) => {
    // A broken planner asks for the heater on all the time under the fallback reason.
    const results = drive(enc, 90, MIN, () => ({ m: stale(), plan: plan({ heater: 'fallback duty' }), ctx: { daytime } }));
    const onPerPeriod = [0, 1, 2].map((k) => results.slice(k * 30, k * 30 + 30).filter((r) => r.outputs.heater.on).length);
    expect(onPerPeriod).toEqual([minutes, minutes, minutes]);
  });

  it('passes a planner that keeps to the duty unchanged', () => {
    // 9 min on at the start of each 30-min window, aligned with the guard's window.
    const results = drive(enc, 90, MIN, (mono) => ({ m: stale(), plan: plan({ heater: (mono / MIN) % 30 < 9 ? 'fallback duty 30 %' : false }) }));
    expect(results.filter((r) => r.outputs.heater.on).length).toBe(27);
  });

  it.each([
    ['stale', undefined, 'sensor-stale'],
    ['implausible', 'out of range -40..85 °C', 'sensor-implausible'],
    ['implausible', 'stuck for 30 min', 'sensor-stuck'],
    ['missing', undefined, 'sensor-missing'],
    ['ok', undefined, null],
  ] as const)('reports a %s reading (%s) as %s', (quality, reason, kind) => {
    expect(sensorFaultKind(temp('air', quality === 'missing' ? null : 20, quality, reason))).toBe(kind);
  });

  it('raises one non-latched visibility fault per sensor and restricts nothing else', () => {
    const r = guardEnclosure(enc, measurements({ air: temp('air', 27, 'implausible', 'stuck for 30 min'), probe: 27 }), plan({ heater: 'below setpoint', lights: 'day' }), initialGuardState(), context(0));
    expect(r.outputs.heater.on).toBe(true);
    expect(r.faults).toEqual([expect.objectContaining({ kind: 'sensor-stuck', component: 'air', latched: false })]);
  });

  it('reports a configured sensor with no reading at all as missing', () => {
    const r = guardEnclosure(enc, measurements({ air: 27.8 }), plan({}), initialGuardState(), context(0));
    expect(r.faults).toEqual([expect.objectContaining({ kind: 'sensor-missing', component: 'probe' })]);
  });

  it.each([
    ['fallback duty 20 %', true],
    ['fallback duty 30 % of 30 min: temperature stale (air)', true],
    ['27.0 °C below 27.5 °C; limit probe mat unknown: capped to fallback duty 30 % of 30 min', true],
    ['below setpoint', false],
    ['fallback rule not applicable', false],
  ])('recognises %j as a fallback reason: %s', (reason, expected) => {
    expect(isFallbackReason(reason)).toBe(expected);
  });
});
