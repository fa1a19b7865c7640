import { describe, expect, it } from 'vitest';
import { acknowledgeFaults } from '../../src/control/guard.js';
import { drive, enclosure, measurements, MIN, plan } from './interlocks/fixtures.js';

const enc = enclosure(); // ceramic emitter: watch 20 min / +0.5 °C
const latchedAt = (results: ReturnType<typeof drive>, kind: string) => results.findIndex((r) => r.state.latched.some((f) => f.kind === kind));

describe('guard: heater that cannot heat', () => {
  // The bulb is dead: the enclosure stays at 22 °C whatever the heater does; the plan keeps asking for heat.
  const dead = () => ({ m: measurements({ air: 22, probe: 21.5 }), plan: plan({ heater: 'below setpoint' }) });

  it('latches heater-no-heat within the watch period, turns the heater off and opens the cutoff', () => {
    const results = drive(enc, 30, MIN, dead);
    // Output on at step 0, applied (heating starts) at step 1, deadline at step 21.
    expect(latchedAt(results, 'heater-no-heat')).toBe(21);
    const r = results[21];
    expect(r.outputs.heater).toEqual({ on: false, reason: 'heat lockout: latched heater-no-heat (heater); acknowledge to resume' });
    expect(r.faults[0].message).toBe('heater heater: heater on 20 min without +0.5 °C (at 22.0 °C, expected ≥ 22.5 °C)');
    expect(r.outputs.cutoff.on).toBe(false);
    expect(r.heatLockout).toBe(true);
    expect(results.slice(22).every((x) => !x.outputs.heater.on && x.heatLockout)).toBe(true);
  });

  it('re-latches one watch period after an acknowledgement when the heater is still dead', () => {
    const first = drive(enc, 22, MIN, dead);
    const { state, cleared } = acknowledgeFaults(first[21].state, 0, ['heater-no-heat']);
    expect(cleared.map((f) => f.kind)).toEqual(['heater-no-heat']);
    const again = drive(enc, 30, MIN, dead, { state, mono: 22 * MIN });
    expect(again[0].outputs.heater.on).toBe(true); // heat allowed again after the acknowledgement
    // Output on at step 0, but the applied state is off until step 1: the watch arms at 1, trips at 21.
    expect(latchedAt(again, 'heater-no-heat')).toBe(21);
  });

  it('does not latch when the heater warms the enclosure', () => {
    // +0.05 °C/min from 22 °C; the thermostat stops at 28.5 °C (minute 130).
    const results = drive(enc, 200, MIN, (mono) => ({
      m: measurements({ air: Math.min(22 + (0.05 * mono) / MIN, 28.5), probe: 22 }),
      plan: plan({ heater: mono < 130 * MIN ? 'below setpoint' : false }),
    }));
    expect(results.every((r) => r.state.latched.length === 0)).toBe(true);
  });
});
