import { describe, expect, it } from 'vitest';
import type { Quality, Reading } from '../../src/devices/reading.js';
import { type MistTarget, initialMisterState, stepMister } from '../../src/control/humidity.js';

const S = 1000;
const MIN = 60_000;
const rh = (value: number | null, quality: Quality = 'ok'): Reading => ({ sensorId: 'air', quantity: 'humidity', value, at: 0, quality });
const target: MistTarget = { minPct: 60, maxPulseSeconds: 10, minIntervalMinutes: 30, fallbackEveryMinutes: 120 };
const T0 = 5 * 3_600_000;

/** Runs the mister every second from T0 for `seconds` with humidity from `h(t)`, returning the on-intervals [start, end) in s. */
function run(h: (t: number) => Reading | null, seconds: number, t: MistTarget = target): Array<[number, number]> {
  let st = initialMisterState();
  const pulses: Array<[number, number]> = [];
  for (let s = 0; s < seconds; s++) {
    const r = stepMister(h(s), t, st, T0 + s * S);
    if (r.cmd.on && !st.on) pulses.push([s, -1]);
    if (!r.cmd.on && st.on) pulses[pulses.length - 1][1] = s;
    st = r.state;
  }
  return pulses;
}

describe('mister pulses', () => {
  it('pulses at most maxPulseSeconds, then waits minIntervalMinutes after the pulse ends', () => {
    expect(run(() => rh(40), 3640)).toEqual([
      [0, 10],
      [1810, 1820],
      [3620, 3630],
    ]);
  });

  it('does not mist while humidity is at or above minPct', () => {
    expect(run(() => rh(60), 3600)).toEqual([]);
  });

  it('ends a pulse early once humidity reaches minPct', () => {
    expect(run((t) => rh(t < 4 ? 55 : 61), 60)).toEqual([[0, 4]]);
  });

  it('mists on a timer while humidity is unknown: first pulse fallbackEveryMinutes after it became unknown, then every N minutes', () => {
    const pulses = run((t) => (t < 100 ? rh(70) : rh(50, 'stale')), 100 + 5 * 3600);
    expect(pulses).toEqual([
      [100 + 7200, 100 + 7210],
      [100 + 14_400, 100 + 14_410],
    ]);
  });

  it('keeps the mister off while humidity is unknown and the profile has no timed fallback', () => {
    expect(run(() => null, 5 * 3600, { ...target, fallbackEveryMinutes: 0 })).toEqual([]);
  });

  it('says in the reason that misting is a fallback', () => {
    const r = stepMister(rh(null, 'missing'), target, initialMisterState(), T0);
    expect([r.cmd.on, r.fallback, r.cmd.reason]).toEqual([false, true, 'humidity missing (air): timed fallback, next pulse in 7200 s']);
  });

  it('ends a pulse left over from a previous run (monotonic time went backwards)', () => {
    const st = { ...initialMisterState(), on: true, pulseStartMono: T0 + MIN };
    expect(stepMister(rh(40), target, st, T0).cmd.on).toBe(false);
  });
});
