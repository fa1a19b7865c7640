import { describe, expect, it } from 'vitest';
import { guardEnclosure, initialGuardState, type GuardState } from '../../src/control/guard.js';
import type { Fault, FaultKind, OutputPlan } from '../../src/control/types.js';
import type { Quality, Reading } from '../../src/devices/reading.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { context, enclosure, measurements, MIN, T0, temp } from './interlocks/fixtures.js';

const plain = enclosure();
const withLimit = enclosure({
  actuators: [
    { id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: { type: 'gpio', pin: 17 }, sensors: ['air'], limit: { sensor: 'probe', maxC: 40 }, maxOnMinutes: 5 },
    { id: 'lamp', kind: 'heater', heaterType: 'basking-lamp', powerW: 75, output: { type: 'gpio', pin: 18 }, sensors: ['probe', 'air'] },
    { id: 'fogger', kind: 'fogger', output: { type: 'gpio', pin: 22 } },
    { id: 'fan', kind: 'fan', output: { type: 'gpio', pin: 23 }, maxOnMinutes: 2 },
    { id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24 } },
  ],
});

const QUALITIES: Quality[] = ['ok', 'ok', 'ok', 'stale', 'implausible', 'missing'];
const REASONS = ['below setpoint', 'fallback duty 30 % of 30 min', 'day', 'manual'];
const KINDS: FaultKind[] = ['stuck-relay', 'thermal-runaway', 'max-on-time', 'over-temperature'];

function randomReading(rng: SeededRandom, id: string): Reading {
  const q = QUALITIES[Math.floor(rng.next() * QUALITIES.length)];
  const v = 10 + rng.next() * 35; // 10..45 °C: below minC, in band, above maxC
  return q === 'missing' ? temp(id, null, 'missing') : temp(id, v, q, q === 'implausible' && rng.next() < 0.5 ? 'stuck for 30 min' : undefined);
}

describe('guard only restricts', () => {
  it.each([
    ['the reference enclosure', plain, 1],
    ['an enclosure with a limit probe, two heaters and short limits', withLimit, 2],
  ])('never turns on an output the plan had off, for random plans and measurements (%s)', (_name, enc, seed) => {
    const rng = new SeededRandom(seed);
    const ids = enc.actuators.filter((a) => a.kind !== 'feeder').map((a) => a.id);
    let state: GuardState = initialGuardState();
    let applied: Record<string, boolean> = {};
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const p: OutputPlan = {};
      for (const id of ids) {
        if (rng.next() < 0.15) continue; // sometimes absent from the plan
        p[id] = { on: rng.next() < 0.6, reason: REASONS[Math.floor(rng.next() * REASONS.length)] };
      }
      const m = measurements({ air: randomReading(rng, 'air'), probe: randomReading(rng, 'probe') });
      if (rng.next() < 0.02) {
        const kind = KINDS[Math.floor(rng.next() * KINDS.length)];
        const f: Fault = { kind, component: ids[0], at: T0, latched: true, message: 'random' };
        state = { ...state, latched: [...state.latched, f] };
      }
      if (rng.next() < 0.05) state = { ...state, latched: [] };
      const waterLow = [true, false, undefined][Math.floor(rng.next() * 3)];
      const mono = i * (rng.next() < 0.5 ? 1000 : MIN);
      const ctx = context(mono, applied, { waterLow, daytime: rng.next() < 0.5, setpointC: 22 + rng.next() * 8 });
      const r = guardEnclosure(enc, m, p, state, ctx);

      for (const [id, cmd] of Object.entries(r.outputs)) {
        if (!cmd.on) continue;
        const isCutoffAdded = enc.actuators.some((a) => a.id === id && a.kind === 'cutoff') && p[id] === undefined;
        expect(isCutoffAdded || p[id]?.on === true, `${id} on at step ${i} but the plan had it ${p[id] ? 'off' : 'absent'}`).toBe(true);
        checked++;
      }
      if (r.heatLockout) {
        for (const a of enc.actuators) if (a.kind === 'heater' || a.kind === 'cutoff') expect(r.outputs[a.id].on).toBe(false);
      }
      // The state stays JSON-serialisable.
      state = JSON.parse(JSON.stringify(r.state)) as GuardState;
      applied = Object.fromEntries(Object.entries(r.outputs).map(([id, c]) => [id, c.on]));
    }
    expect(checked).toBeGreaterThan(1000); // the property was exercised, not vacuously true
  });
});
