import { describe, expect, it } from 'vitest';
import { FAN_REST_MS } from '../../../src/control/interlocks/max-on-time.js';
import { drive, enclosure, measurements, MIN, plan } from './fixtures.js';

const enc = enclosure(); // heater maxOn 180 min / minOff 60 s; fan maxOn 30 min; mister 5 s pulse, 120 min interval
const inBand = () => measurements({ air: 27.8, probe: 27.5 });

/** Indices of the steps at which `id` is off in the guarded output. */
function offSteps(results: ReturnType<typeof drive>, id: string): number[] {
  return results.flatMap((r, i) => (r.outputs[id].on ? [] : [i]));
}

describe('maximum continuous on-time', () => {
  it('forces the heater off after maxOnMinutes and allows it again after minOffSeconds', () => {
    // 30 s ticks; the output applied at step k is on during (k, k+1].
    const results = drive(enc, 370, 30_000, () => ({ m: inBand(), plan: plan({ heater: 'below setpoint' }) }));
    // 180 min of applied on-time is reached at step 360; 60 s rest = steps 360, 361; on again at 362.
    expect(offSteps(results, 'heater')).toEqual([360, 361]);
    expect(results[360].outputs.heater.reason).toBe('maximum on-time 180 min reached: resting 1 min');
    expect(results[360].faults).toContainEqual(expect.objectContaining({ kind: 'max-on-time', component: 'heater', latched: false }));
    expect(results[362].faults).toEqual([]);
    expect(results[362].events).toContainEqual(expect.objectContaining({ type: 'fault-cleared', kind: 'max-on-time', component: 'heater' }));
  });

  it('cuts a mister pulse at the profile maxPulseSeconds and rests it for minIntervalMinutes', () => {
    const results = drive(enc, 120 * 60 + 8, 1000, () => ({ m: inBand(), plan: plan({ mister: 'below humidity range' }) }));
    const off = offSteps(results, 'mister');
    expect(off[0]).toBe(5); // on during steps 0..5: 5 s
    expect(off.length).toBe(120 * 60); // then held off 120 min, contiguous
    expect(off.at(-1)).toBe(4 + 120 * 60);
    expect(results.slice(5 + 120 * 60).map((r) => r.outputs.mister.on)).toEqual([true, true, true]);
  });

  it('rests the fan for 5 min after maxOnMinutes', () => {
    const results = drive(enc, 40, MIN, () => ({ m: inBand(), plan: plan({ fan: 'over humidity' }) }));
    expect(offSteps(results, 'fan')).toEqual([30, 31, 32, 33, 34]);
    expect(FAN_REST_MS).toBe(5 * MIN);
  });

  it('restarts the count when the output was off in between', () => {
    const results = drive(enc, 200, MIN, (mono) => ({ m: inBand(), plan: plan({ heater: mono / MIN === 100 ? false : 'below setpoint' }) }));
    expect(offSteps(results, 'heater')).toEqual([100]);
  });

  it('never limits lights', () => {
    const results = drive(enc, 24 * 60, MIN, () => ({ m: inBand(), plan: plan({ lights: 'day' }) }));
    expect(offSteps(results, 'lights')).toEqual([]);
  });
});
