import { describe, expect, it } from 'vitest';
import { HeaterSchema } from '../../src/config/enclosure-schema.js';
import type { Quality, Reading } from '../../src/devices/reading.js';
import { type ThermostatState, type ThermostatTarget, fallbackDutyOn, initialThermostatState, stepThermostat } from '../../src/control/thermostat.js';

const S = 1000;
const MIN = 60_000;
const heater = (extra: Record<string, unknown> = {}) =>
  HeaterSchema.parse({ id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air'], ...extra });
const temp = (value: number | null, quality: Quality = 'ok', sensorId = 'air'): Reading => ({ sensorId, quantity: 'temperature', value, at: 0, quality });
const target: ThermostatTarget = { setpointC: 28, hysteresisC: 1, fallbackDutyPct: 20, fallbackPeriodMs: 30 * MIN };
const state = (on: boolean, changedAtMono: number | null = null, extra: Partial<ThermostatState> = {}): ThermostatState => ({ ...initialThermostatState(), on, changedAtMono, ...extra });
const T0 = 10 * 3_600_000; // an arbitrary monotonic "now", long after any previous change

describe('thermostat hysteresis (setpoint 28 °C, band 27.5..28.5 °C)', () => {
  it.each([
    [false, -5, true],
    [false, 5, true],
    [false, 27.4, true],
    [false, 27.5, false],
    [false, 28.0, false],
    [false, 28.5, false],
    [true, 28.5, true],
    [true, 28.0, true],
    [true, 27.5, true],
    [true, 28.6, false],
    [false, 28.6, false],
  ])('was on=%s, at %d °C -> on=%s', (wasOn, t, on) => {
    expect(stepThermostat(heater(), temp(t), target, state(wasOn), T0).cmd.on).toBe(on);
  });

  it.each([-5, 0, 10, 20, 27.4])('never turns heat off on a cold reading (%d °C), even right after switching on', (t) => {
    for (const changedAt of [null, T0 - 1 * S, T0 - 10 * MIN]) {
      const r = stepThermostat(heater(), temp(t), target, state(true, changedAt), T0);
      expect([t, changedAt, r.cmd.on, r.fallback]).toEqual([t, changedAt, true, false]);
    }
  });

  it('never turns heat off on a cold reading with time-proportioning either', () => {
    const h = heater({ timeProportioning: { periodSeconds: 600 } });
    let st = state(true, T0 - 10 * MIN);
    for (let mono = T0; mono < T0 + 30 * MIN; mono += 10 * S) {
      const r = stepThermostat(h, temp(26), target, st, mono);
      expect(r.cmd.on).toBe(true);
      st = r.state;
    }
  });
});

describe('minimum on and off times (monotonic)', () => {
  it('respects the minimum off time even when the temperature drops', () => {
    const h = heater({ minOffSeconds: 120 });
    const off = state(false, T0); // switched off at T0
    const early = stepThermostat(h, temp(20), target, off, T0 + 30 * S);
    expect([early.cmd.on, early.cmd.reason]).toEqual([false, '20.00 °C below 27.50 °C; min off time, 90 s left']);
    expect(stepThermostat(h, temp(20), target, off, T0 + 119 * S).cmd.on).toBe(false);
    const later = stepThermostat(h, temp(20), target, off, T0 + 120 * S);
    expect([later.cmd.on, later.state.changedAtMono]).toEqual([true, T0 + 120 * S]);
  });

  it('respects the minimum on time before a normal switch-off', () => {
    const h = heater({ minOnSeconds: 90 });
    const on = state(true, T0);
    expect(stepThermostat(h, temp(29), target, on, T0 + 89 * S).cmd.on).toBe(true);
    expect(stepThermostat(h, temp(29), target, on, T0 + 90 * S).cmd.on).toBe(false);
  });

  it('treats a change time from a previous run (larger than monotonic now) as long ago', () => {
    const h = heater({ minOffSeconds: 600 });
    expect(stepThermostat(h, temp(20), target, state(false, T0 + 5 * MIN), T0).cmd.on).toBe(true);
  });
});

describe('fallback when the temperature is not trustworthy', () => {
  it.each([
    ['stale', temp(27, 'stale')],
    ['implausible', temp(85, 'implausible')],
    ['missing', temp(null, 'missing')],
    ['absent', null],
  ])('a %s probe switches a heating heater to the fallback duty on the very next call (off share first)', (_name, reading) => {
    const h = heater({ minOnSeconds: 600 });
    const r = stepThermostat(h, reading, target, state(true, T0 - 10 * S), T0);
    expect([r.cmd.on, r.fallback, r.state.fallbackSinceMono]).toEqual([false, true, T0]);
    expect(r.cmd.reason).toMatch(/^fallback duty 20 % of 30 min: /);
  });

  it('follows a bounded 20 % duty over 30 min periods, never holding the last state', () => {
    let st = state(true, T0 - 10 * MIN);
    const onTimes: number[] = [];
    for (let mono = T0; mono < T0 + 90 * MIN; mono += 30 * S) {
      const r = stepThermostat(heater(), temp(27, 'stale'), target, st, mono);
      if (r.cmd.on) onTimes.push((mono - T0) / MIN);
      st = r.state;
    }
    // off 24 min, on 6 min, three times: on at minutes 24..29.5, 54..59.5, 84..89.5
    expect(onTimes).toHaveLength(36);
    expect([onTimes[0], onTimes[11], onTimes[12], onTimes[35]]).toEqual([24, 29.5, 54, 89.5]);
  });

  it('keeps the heater off when the fallback duty is 0 %', () => {
    let st = state(true, T0 - 10 * MIN);
    for (let mono = T0; mono < T0 + 60 * MIN; mono += MIN) {
      const r = stepThermostat(heater(), null, { ...target, fallbackDutyPct: 0 }, st, mono);
      expect(r.cmd.on).toBe(false);
      st = r.state;
    }
  });

  it('returns to the thermostat as soon as a trustworthy reading is back', () => {
    const st = state(false, T0 - 10 * MIN, { fallbackSinceMono: T0 - 20 * MIN });
    const r = stepThermostat(heater(), temp(26), target, st, T0);
    expect([r.cmd.on, r.fallback, r.state.fallbackSinceMono]).toEqual([true, false, null]);
  });

  it.each([
    [0, 0, false],
    [20, 23.9 * MIN, false],
    [20, 24 * MIN, true],
    [20, 30 * MIN, false],
    [100, 0, true],
  ])('fallbackDutyOn(duty %d %%, %d ms into the period) = %s', (pct, t, on) => {
    expect(fallbackDutyOn(0, t, pct, 30 * MIN)).toBe(on);
  });
});

describe('time-proportioning (period 600 s, min on/off 60 s, proportional band = hysteresis band)', () => {
  const h = heater({ timeProportioning: { periodSeconds: 600 } });
  it.each([
    ['at the setpoint: 50 %', 28, 300],
    ['a quarter band below the setpoint: 75 %', 27.75, 450],
    ['near the top of the band: 5 % rounds down to 0 (shorter than min on)', 28.45, 0],
    ['near the bottom of the band: 95 % rounds up to 100 % (off share shorter than min off)', 27.55, 600],
  ])('%s -> on for %d s of each window', (_name, t, onSeconds) => {
    let st = state(false, T0 - 10 * MIN);
    let onFor = 0;
    for (let mono = T0; mono < T0 + 600 * S; mono += S) {
      const r = stepThermostat(h, temp(t), target, st, mono);
      if (r.cmd.on) onFor += 1;
      st = r.state;
    }
    expect(onFor).toBe(onSeconds);
  });

  it('drops the rest of a window\'s on share once above the band, and does not switch on again in that window', () => {
    let st = state(false, T0 - 10 * MIN);
    const trace: boolean[] = [];
    for (let sec = 0; sec < 600; sec++) {
      const t = sec < 100 ? 28 : sec < 200 ? 28.6 : 28.2; // 50 % window; overshoot at 100 s; back in band at 200 s
      const r = stepThermostat(h, temp(t), target, st, T0 + sec * S);
      trace.push(r.cmd.on);
      st = r.state;
    }
    expect([trace[99], trace[100], trace[250], trace.filter(Boolean).length]).toEqual([true, false, false, 100]);
  });

  it('heats through a window\'s off share when the temperature falls below the band', () => {
    const st = state(false, T0 - 10 * MIN, { window: { startMono: T0 - 500 * S, onMs: 300 * S } });
    const r = stepThermostat(h, temp(27.4), target, st, T0);
    expect([r.cmd.on, r.cmd.reason]).toEqual([true, '27.40 °C below 27.50 °C']);
  });

  it('switches at most twice per window', () => {
    let st = state(false, T0 - 10 * MIN);
    let switches = 0;
    for (let mono = T0; mono < T0 + 3600 * S; mono += S) {
      const r = stepThermostat(h, temp(28.1), target, st, mono);
      if (r.cmd.on !== st.on) switches += 1;
      st = r.state;
    }
    expect(switches).toBe(12);
  });
});

describe('limit probe (heat-mat surface, maxC 35)', () => {
  const h = heater({ minOnSeconds: 600, limit: { sensor: 'mat', maxC: 35 } });
  const mat = (v: number | null, q: Quality = 'ok'): Reading => temp(v, q, 'mat');

  it('turns the heater off at the limit at once, whatever the air temperature and min on time', () => {
    const r = stepThermostat(h, temp(20), target, state(true, T0 - S), T0, mat(35));
    expect([r.cmd.on, r.state.limitTripped, r.cmd.reason]).toEqual([false, true, 'limit probe mat 35.00 °C >= 35.00 °C']);
  });

  it('releases only 1 °C below the limit', () => {
    const tripped = state(false, T0 - 10 * MIN, { limitTripped: true });
    expect(stepThermostat(h, temp(20), target, tripped, T0, mat(34.5)).cmd.on).toBe(false);
    const released = stepThermostat(h, temp(20), target, tripped, T0, mat(33.9));
    expect([released.cmd.on, released.state.limitTripped]).toEqual([true, false]);
  });

  it('never lets a missing limit reading turn the heater on', () => {
    // in band, off, and the fallback duty is in its on share: still off
    const st = state(false, T0 - 10 * MIN, { fallbackSinceMono: T0 - 25 * MIN });
    const r = stepThermostat(h, temp(28), target, st, T0, mat(null, 'missing'));
    expect([r.cmd.on, r.fallback]).toEqual([false, true]);
  });

  it('caps a heating heater to the fallback duty while the limit probe is unknown', () => {
    const offShare = stepThermostat(h, temp(20), target, state(true, T0 - S), T0, mat(30, 'stale'));
    expect([offShare.cmd.on, offShare.cmd.reason]).toEqual([false, '20.00 °C below 27.50 °C; limit probe mat unknown: capped to fallback duty 20 % of 30 min']);
    const onShare = stepThermostat(h, temp(20), target, { ...offShare.state, changedAtMono: T0 - 30 * MIN }, T0 + 25 * MIN, mat(30, 'stale'));
    expect(onShare.cmd.on).toBe(true);
  });
});
