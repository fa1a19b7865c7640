import { describe, expect, it } from 'vitest';
import { MAX_CYCLES_PER_HOUR, MISTER_PULSES_PER_DAY, SWITCH_MIN_MS } from '../../../src/control/interlocks/wear-limits.js';
import type { GuardResult } from '../../../src/control/guard.js';
import { drive, enclosure, measurements, MIN, plan, T0 } from './fixtures.js';

const inBand = () => measurements({ air: 27.8, probe: 27.5 });

/** Switch-on and switch-off times (ms, step * stepMs) of `id` in the guarded outputs. */
function edges(results: GuardResult[], id: string, stepMs: number): { ons: number[]; offs: number[] } {
  const ons: number[] = [];
  const offs: number[] = [];
  let prev = false;
  results.forEach((r, i) => {
    const on = r.outputs[id]?.on === true;
    if (on && !prev) ons.push(i * stepMs);
    if (!on && prev) offs.push(i * stepMs);
    prev = on;
  });
  return { ons, offs };
}

/** Checks every limit on the switching history of one output. */
function assertLimits(e: { ons: number[]; offs: number[] }, minOnMs: number, minOffMs: number): void {
  for (const on of e.ons) {
    const lastOff = e.offs.filter((x) => x < on).at(-1);
    if (lastOff !== undefined) expect(on - lastOff).toBeGreaterThanOrEqual(minOffMs);
    const lastOn = e.ons.filter((x) => x < on).at(-1);
    if (lastOn !== undefined) expect(on - lastOn).toBeGreaterThanOrEqual(minOnMs + minOffMs);
    expect(e.ons.filter((x) => x > on - 3600_000 && x <= on).length).toBeLessThanOrEqual(MAX_CYCLES_PER_HOUR);
  }
}

describe('wear and dosing limits', () => {
  const enc = enclosure(); // heater min on/off 60 s; mister 5 s pulse, 120 min interval

  it('a flood of manual toggles (every second, 2 h) never breaks a minimum on/off time or the cycle cap', () => {
    const ids = ['heater', 'lights', 'fan'];
    const results = drive(enc, 2 * 3600, 1000, (mono) => {
      const on = Math.floor(mono / 1000) % 2 === 0;
      return { m: inBand(), plan: plan(Object.fromEntries(ids.map((id) => [id, on ? 'manual on' : false]))) };
    });
    const heater = edges(results, 'heater', 1000);
    // The flood asked for 3600 switch-ons; the limits allow one per 2 min (60 s on-minimum + 60 s off).
    expect(heater.ons.length).toBeGreaterThan(30);
    expect(heater.ons.length).toBeLessThanOrEqual(61);
    assertLimits(heater, 60_000, 60_000);
    for (const id of ['lights', 'fan']) assertLimits(edges(results, id, 1000), SWITCH_MIN_MS, SWITCH_MIN_MS);
  });

  it('says which limit holds an output off and from when it may switch on', () => {
    // On for 10 s, off at 10 s, asked on again at 11 s.
    const results = drive(enc, 20, 1000, (mono) => ({ m: inBand(), plan: plan({ heater: mono < 10_000 || mono >= 11_000 ? 'manual on' : false }) }));
    expect(results[9].outputs.heater.on).toBe(true);
    expect(results[11].outputs.heater.on).toBe(false);
    // Switched on at 0 s and off at 10 s: on again no earlier than 0 + 60 + 60 s.
    expect(results[11].outputs.heater.reason).toBe(`held off: minimum on time 60 s (a short on-period waits it out off); may switch on at ${new Date(T0 + 120_000).toISOString().replace('.000Z', 'Z')}`);
  });

  it('a mister pulsed by hand waits its minimum interval between pulses, and its daily total holds', () => {
    // Manual on for 1 s every 10 s for a day: 8640 requests.
    const results = drive(enc, 24 * 360, 10_000, (mono) => ({ m: inBand(), plan: plan({ mister: mono % 20_000 === 0 ? 'manual on' : false }) }));
    const e = edges(results, 'mister', 10_000);
    assertLimits(e, 0, 120 * MIN);
    expect(e.ons.length).toBeLessThanOrEqual(12); // 24 h / 120 min
    expect(results.find((r) => r.outputs.mister.reason.includes('minimum off time 120 min'))).toBeDefined();
  });

  it('stops a mister whose rolling 24 h total is used up, even mid-pulse', () => {
    const short = enclosure({ overrides: { humidity: { minIntervalMinutes: 1, maxPulseSeconds: 10 } } });
    // Wanted on all the time: 10 s pulses every ~70 s until 48 x 10 s = 480 s is used up.
    const results = drive(short, 6 * 360, 10_000, () => ({ m: inBand(), plan: plan({ mister: 'below humidity range' }) }));
    const onSteps = results.filter((r) => r.outputs.mister.on).length;
    expect(onSteps * 10).toBeLessThanOrEqual(10 * MISTER_PULSES_PER_DAY);
    expect(results.at(-1)?.outputs.mister.reason).toMatch(/^held off: daily total 8 min of on-time per 24 h/);
  });

  it('keeps its history across a restart (guard time), and tolerates a state written before it existed', () => {
    const first = drive(enc, 3, 1000, () => ({ m: inBand(), plan: plan({ heater: 'manual on' }) }));
    const afterOff = drive(enc, 2, 1000, () => ({ m: inBand(), plan: plan({ heater: false }) }), { state: first.at(-1)?.state, mono: 3000 });
    // Restart: monotonic origin changes, guard time carries on; the heater may not switch on yet.
    const state = { ...(afterOff.at(-1)?.state as GuardResult['state']), lastMono: null };
    const resumed = drive(enc, 1, 1000, () => ({ m: inBand(), plan: plan({ heater: 'manual on' }) }), { state, mono: 0 });
    expect(resumed[0].outputs.heater.on).toBe(false);
    const legacy = { ...state, wear: undefined };
    expect(drive(enc, 1, 1000, () => ({ m: inBand(), plan: plan({ heater: 'on' }) }), { state: legacy })[0].outputs.heater.on).toBe(true);
  });
});
