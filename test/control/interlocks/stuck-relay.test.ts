import { describe, expect, it } from 'vitest';
import { acknowledgeFaults } from '../../../src/control/guard.js';
import { drive, enclosure, measurements, MIN, plan } from './fixtures.js';

const enc = enclosure(); // day setpoint 28 °C, h 1 °C; emitter: margin 2 °C, 10 min -> limit 30.5 °C
const heaterOff = plan({ heater: false, lights: 'day' });
const stuckAt = (results: ReturnType<typeof drive>) => results.findIndex((r) => r.state.latched.some((f) => f.kind === 'stuck-relay'));

describe('stuck relay', () => {
  it('latches when the heater is off but the temperature keeps rising past the limit, and opens the cutoff', () => {
    // Welded relay: +0.2 °C/min from 28 °C with the heater commanded off. Above 30.5 °C from
    // minute 13 (30.6 °C); 10 min later, at 32.6 °C, it is still rising.
    const results = drive(enc, 30, MIN, (mono) => ({ m: measurements({ air: 28 + (0.2 * mono) / MIN, probe: 27 }), plan: heaterOff }));
    expect(stuckAt(results)).toBe(23);
    const r = results[23];
    expect(r.heatLockout).toBe(true);
    expect(r.outputs.cutoff).toEqual({ on: false, reason: 'heat lockout: master cutoff open' });
    expect(r.outputs.heater.on).toBe(false);
    expect(r.outputs.lights.on).toBe(true);
    expect(r.faults[0]).toMatchObject({ kind: 'stuck-relay', component: 'heater', latched: true });
  });

  it('does not trip on the overshoot of a heater that switched off (peaks, then falls)', () => {
    // Off at 28.5 °C, a slow overshoot to 32.1 °C at minute 8, then cooling at only 0.05 °C/min:
    // 10 min into the episode (from 30.75 °C at minute 5) it is still 1 °C up, but falling.
    const T = (min: number) => (min <= 8 ? 28.5 + 0.45 * min : 32.1 - 0.05 * (min - 8));
    const results = drive(enc, 60, MIN, (mono) => ({ m: measurements({ air: T(mono / MIN), probe: 27 }), plan: heaterOff }));
    expect(stuckAt(results)).toBe(-1);
  });

  it('does not trip while the heater is on (that is the thermostat heating)', () => {
    const results = drive(enc, 40, MIN, (mono) => ({ m: measurements({ air: 30.6 + (0.1 * mono) / MIN, probe: 27 }), plan: plan({ heater: 'test' }) }));
    expect(stuckAt(results)).toBe(-1);
  });

  it('latches when the heater has been off for stuckRelayMinutes and the enclosure is still at safety.maxC', () => {
    const results = drive(enc, 20, MIN, () => ({ m: measurements({ air: 36.2, probe: 30 }), plan: plan({ heater: 'below setpoint' }) }));
    expect(stuckAt(results)).toBe(10);
  });

  it('honours the heater runaway overrides', () => {
    const custom = enclosure({
      actuators: [{ id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air'], runaway: { stuckRelayMarginC: 1, stuckRelayMinutes: 5 } }],
    });
    // Limit 29.5 °C: above it from minute 8 (29.6 °C), 5 min later still rising.
    const results = drive(custom, 20, MIN, (mono) => ({ m: measurements({ air: 28 + (0.2 * mono) / MIN }), plan: heaterOff }));
    expect(stuckAt(results)).toBe(13);
  });

  it('re-latches after an acknowledgement if the relay is still welded', () => {
    const T = (min: number) => 28 + 0.2 * min;
    const first = drive(enc, 24, MIN, (mono) => ({ m: measurements({ air: T(mono / MIN), probe: 27 }), plan: heaterOff }));
    const { state } = acknowledgeFaults(first[23].state, 0);
    expect(state.latched).toEqual([]);
    const again = drive(enc, 15, MIN, (mono) => ({ m: measurements({ air: T(mono / MIN), probe: 27 }), plan: heaterOff }), { state, mono: 24 * MIN });
    expect(again[0].heatLockout).toBe(false);
    expect(stuckAt(again)).toBe(10); // detection restarts from scratch: off 10 min and rising
  });
});
