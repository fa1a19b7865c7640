import { describe, expect, it } from 'vitest';
import { HeaterSchema } from '../../src/config/enclosure-schema.js';
import {
  initialRunawayState,
  type RunawayInput,
  type RunawayState,
  type RunawayVerdict,
  runawayParams,
  stepRunaway,
} from '../../src/control/runaway.js';
import { enclosure, MIN } from './interlocks/fixtures.js';

const heater = enclosure().actuators.find((a) => a.kind === 'heater');
if (heater?.kind !== 'heater') throw new Error('fixture has no heater');
const p = runawayParams(heater); // ceramic emitter: watch 20 min / +0.5 °C, hold 3 °C / 30 min

interface Step {
  T: number | null;
  on: boolean;
  setpoint?: number;
  others?: number[];
}

/** Runs the detector once per minute; returns the minute and verdict of the first fault, or null. */
function run(steps: (min: number) => Step, minutes: number, start: RunawayState = initialRunawayState()): { at: number; verdict: RunawayVerdict } | null {
  let s = start;
  for (let min = 0; min <= minutes; min++) {
    const st = steps(min);
    const input: RunawayInput = {
      t: min * MIN,
      heaterOn: st.on,
      temperature: st.T === null ? null : { sensorId: 'air', valueC: st.T },
      otherTemperaturesC: st.others ?? [],
      setpointC: st.setpoint ?? 28,
      hysteresisC: 1,
    };
    const r = stepRunaway(p, s, input);
    s = r.state;
    if (!r.verdict.ok) return { at: min, verdict: r.verdict };
  }
  return null;
}

describe('thermal runaway: heating watch (Marlin WATCH_TEMP_PERIOD / WATCH_TEMP_INCREASE)', () => {
  it('uses the terrarium defaults per heater type and the heater overrides', () => {
    expect(p).toEqual({ watchPeriodMs: 20 * MIN, watchIncreaseC: 0.5, periodMs: 30 * MIN, hysteresisC: 3, stuckRelayMarginC: 2, stuckRelayMs: 10 * MIN });
    const mat = HeaterSchema.parse({ id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 4 }, sensors: ['air'], runaway: { watchIncreaseC: 1 } });
    expect(runawayParams(mat)).toEqual({ watchPeriodMs: 45 * MIN, watchIncreaseC: 1, periodMs: 45 * MIN, hysteresisC: 3, stuckRelayMarginC: 2, stuckRelayMs: 15 * MIN });
  });

  it('rejects unknown runaway keys in the heater config', () => {
    const bad = HeaterSchema.safeParse({ id: 'h', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 4 }, sensors: ['air'], runaway: { watchMinutes: 5 } });
    expect(bad.success).toBe(false);
  });

  it('latches heater-no-heat exactly at the end of the watch period when a heater cannot heat', () => {
    // Heater switched on at minute 1 at 22 °C (far below 28 °C); the temperature does not move.
    const r = run((min) => ({ T: 22, on: min >= 1 }), 60);
    expect(r).toEqual({ at: 21, verdict: { ok: false, kind: 'heater-no-heat', latch: true, message: 'heater on 20 min without +0.5 °C (at 22.0 °C, expected ≥ 22.5 °C)' } });
  });

  it('does not trip a heater that raises the temperature by the watch increase each period', () => {
    // +0.03 °C/min = 0.6 °C per 20 min, from 22 °C up to the setpoint band.
    expect(run((min) => ({ T: Math.min(22 + 0.03 * min, 28), on: true }), 300)).toBeNull();
  });

  it('re-arms after each met deadline and trips when the heating stalls', () => {
    // Rises 0.6 °C per 20 min for 40 min, then stalls at 23.2 °C: the third deadline (minute 60) fails.
    const r = run((min) => ({ T: 22 + 0.03 * Math.min(min, 40), on: true }), 120);
    expect(r?.at).toBe(60);
    expect(r?.verdict).toMatchObject({ kind: 'heater-no-heat', latch: true });
  });

  it('reports a weak heater that slows down short of the setpoint without latching', () => {
    // Equilibrium 27 °C with a 60 min time constant (a heater too small for the room): from 22 °C
    // the first window rises 1.4 °C; the fifth (minutes 80..100) only 0.37 °C, short of the arming
    // limit 26.5 °C, which it passes at minute 139.
    const T = (min: number) => 27 - 5 * Math.exp(-min / 60);
    const verdicts: RunawayVerdict[] = [];
    let s = initialRunawayState();
    for (let min = 0; min <= 300; min++) {
      const r = stepRunaway(p, s, { t: min * MIN, heaterOn: true, temperature: { sensorId: 'air', valueC: T(min) }, otherTemperaturesC: [], setpointC: 28, hysteresisC: 1 });
      s = r.state;
      verdicts.push(r.verdict);
    }
    const bad = verdicts.filter((v) => !v.ok);
    expect(bad.some((v) => !v.ok && v.latch)).toBe(false);
    expect(bad[0]).toEqual({ ok: false, kind: 'heater-no-heat', latch: false, message: 'heater too weak: +0.37 °C in 20 min at 26.1 °C (watch expects +0.5 °C); heat kept on' });
    expect(verdicts.findIndex((v) => !v.ok)).toBe(100);
    expect(verdicts.at(-1)).toEqual({ ok: true }); // past the arming limit the watch disarms
  });

  it('does not arm near the setpoint (within watch increase + h/2 + 0.5 °C)', () => {
    expect(run(() => ({ T: 26.6, on: true }), 120)).toBeNull();
  });

  it('does not arm when a heater that is already on drifts below the threshold in a cold room', () => {
    // On at 27.5 °C (normal thermostat start), then the room wins: -0.02 °C/min to 25.5 °C, past
    // the arming threshold (26.5 °C) but less than the holding check's 3 °C below the setpoint.
    expect(run((min) => ({ T: 27.5 - 0.02 * min, on: true }), 100)).toBeNull();
  });

  it('does not arm after a short off: a forced maximum-on-time rest or a controller restart', () => {
    // A heater at capacity at 24 °C is rested for 1 min (minute 10) and comes back on at minute 11.
    expect(run((min) => ({ T: 24, on: min < 10 || min >= 11 }), 80, { ...initialRunawayState(), wasOn: true })).toBeNull();
    // Restart: the persisted state says on; the new process starts with the heater off for 1 tick.
    expect(run((min) => ({ T: 24, on: min >= 1 }), 80, { ...initialRunawayState(), wasOn: true })).toBeNull();
  });

  it('arms when the heater starts after a long off period', () => {
    // Off for 30 min (minutes 10..39) while the room cools the enclosure; on again at 40, no rise.
    expect(run((min) => ({ T: 24, on: min < 10 || min >= 40 }), 80, { ...initialRunawayState(), wasOn: true })?.at).toBe(60);
  });

  it('arms when the setpoint is raised while heating (night to day) and trips if nothing rises', () => {
    const r = run((min) => ({ T: 22, on: true, setpoint: min < 5 ? 22 : 28 }), 60, { ...initialRunawayState(), wasOn: true });
    expect(r?.at).toBe(25);
  });

  it('disarms when the heater goes off before the deadline', () => {
    // Cycles of 15 min on, 15 min off: each start arms, each stop disarms before the 20 min deadline.
    expect(run((min) => ({ T: 22, on: Math.floor(min / 15) % 2 === 1 }), 240)).toBeNull();
  });

  it('disarms while no temperature is trustworthy (the fallback duty and sensor faults take over)', () => {
    // Armed at minute 1; the reading is missing at minute 15, before the deadline at 21.
    expect(run((min) => ({ T: min === 15 ? null : 22, on: min >= 1 }), 120)).toBeNull();
    expect(run((min) => ({ T: 22, on: min >= 1 }), 120)?.at).toBe(21); // the same run without the gap trips
  });
});

describe('thermal runaway: holding check (Marlin THERMAL_PROTECTION_PERIOD / HYSTERESIS)', () => {
  it('latches thermal-runaway after 30 min more than 3 °C below setpoint while heating, once the band was reached', () => {
    // Heating at the setpoint; at minute 10 the probe falls off the glass and reads the room (21 °C)
    // while the other sensor sees the enclosure heat up.
    const r = run((min) => ({ T: min < 10 ? 28 : 21, on: true, others: [min < 10 ? 28 : 31] }), 120);
    expect(r?.at).toBe(40);
    expect(r?.verdict).toEqual({
      ok: false,
      kind: 'thermal-runaway',
      latch: true,
      message: '21.0 °C, more than 3 °C below setpoint 28.0 °C for 30 min while heating (probe displaced or heater failed)',
    });
  });

  it('does not count time with the heater off', () => {
    // Off for a minute every 20 min (too short to arm the watch): never 30 continuous minutes of
    // heating below 25 °C.
    expect(run((min) => ({ T: min < 10 ? 28 : 24, on: min < 10 || min % 20 !== 0 }), 120)).toBeNull();
  });

  it('does not run before the temperature first reached the setpoint band', () => {
    // Warm-up from a cold start that rises just enough for the watch: never "stable", no holding trip.
    expect(run((min) => ({ T: 20 + 0.03 * min, on: true }), 200)).toBeNull();
  });

  it('restarts at first heating when the setpoint changes', () => {
    // Stable at 28 °C, then the night setpoint 22 °C: 24.5 °C is not a drop below the new setpoint.
    expect(run((min) => ({ T: min < 10 ? 28 : 24.5, on: true, setpoint: min < 10 ? 28 : 22 }), 120)).toBeNull();
  });

  it('reports a drop confirmed by another sensor as real cold, without a latch', () => {
    const r = run((min) => ({ T: min < 10 ? 28 : 24.5, on: true, others: [min < 10 ? 28 : 24] }), 120);
    expect(r?.at).toBe(40);
    expect(r?.verdict).toMatchObject({ ok: false, kind: 'heater-no-heat', latch: false });
  });
});
