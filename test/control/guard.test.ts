import { describe, expect, it } from 'vitest';
import { acknowledgeFaults, guardEnclosure, initialGuardState, resumeGuardState, type GuardState } from '../../src/control/guard.js';
import type { Fault } from '../../src/control/types.js';
import { context, drive, enclosure, measurements, MIN, plan, T0 } from './interlocks/fixtures.js';

const enc = enclosure();
const allOn = { heater: 'below setpoint', lights: 'day', mister: 'below humidity range', fan: 'over humidity' };

describe('guard', () => {
  it('passes a plan through unchanged when nothing is wrong and adds the cutoff closed', () => {
    const r = guardEnclosure(enc, measurements({ air: 27.8, probe: 27.9 }), plan(allOn), initialGuardState(), context(0));
    expect(r.outputs).toEqual({
      ...plan(allOn),
      cutoff: { on: true, reason: 'cutoff closed (normal)' },
    });
    expect(r.faults).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.heatLockout).toBe(false);
  });

  it('keeps the planner command of a cutoff the plan mentions (an operator may open it)', () => {
    const r = guardEnclosure(enc, measurements({ air: 27.8 }), plan({ cutoff: false }), initialGuardState(), context(0));
    expect(r.outputs.cutoff.on).toBe(false);
  });

  it('does not copy the plan by reference (the caller may keep its plan)', () => {
    const p = plan(allOn);
    const r = guardEnclosure(enc, measurements({ air: 27.8 }), p, initialGuardState(), context(0));
    r.outputs.heater.on = false;
    expect(p.heater.on).toBe(true);
  });

  it('emits one fault event when a fault is raised and one fault-cleared event when it is gone', () => {
    const temps = [27.8, 36.2, 36.4, 35.0, 35.0];
    const results = drive(enc, temps.length, MIN, (mono) => ({ m: measurements({ air: temps[mono / MIN], probe: 27 }), plan: plan({ heater: 'below setpoint' }) }));
    expect(results.map((r) => r.events.map((e) => e.type))).toEqual([[], ['fault'], [], ['fault-cleared'], []]);
    expect(results[1].events[0]).toMatchObject({ fault: { kind: 'over-temperature', component: 'air', at: T0 + MIN, latched: false } });
    expect(results[2].faults[0].at).toBe(T0 + MIN); // a persisting fault keeps its raise time
    expect(results[3].events[0]).toEqual({ type: 'fault-cleared', kind: 'over-temperature', component: 'air', at: T0 + 3 * MIN });
  });

  it('locks out every heater and opens the cutoff while a heat fault is latched, until acknowledged', () => {
    const latched: Fault = { kind: 'stuck-relay', component: 'heater', at: T0, latched: true, message: 'test' };
    const state: GuardState = { ...initialGuardState(), latched: [latched] };
    const r = guardEnclosure(enc, measurements({ air: 20, probe: 20 }), plan(allOn), state, context(0));
    expect(r.heatLockout).toBe(true);
    expect(r.outputs.heater).toEqual({ on: false, reason: 'heat lockout: latched stuck-relay (heater); acknowledge to resume' });
    expect(r.outputs.cutoff).toEqual({ on: false, reason: 'heat lockout: master cutoff open' });
    expect(r.outputs.lights.on).toBe(true); // only heat is locked out
    expect(r.faults).toEqual([latched]);

    const ack = acknowledgeFaults(r.state, T0 + 5 * MIN);
    expect(ack.cleared).toEqual([latched]);
    const after = guardEnclosure(enc, measurements({ air: 27.8 }), plan(allOn), ack.state, context(MIN));
    expect(after.heatLockout).toBe(false);
    expect(after.outputs.heater.on).toBe(true);
    expect(after.outputs.cutoff.on).toBe(true);
    expect(after.state.lastAcknowledgedAt).toBe(T0 + 5 * MIN);
  });

  it('acknowledges only the kinds asked for', () => {
    const a: Fault = { kind: 'stuck-relay', component: 'heater', at: T0, latched: true, message: 'a' };
    const b: Fault = { kind: 'over-temperature', component: 'air', at: T0, latched: true, message: 'b' };
    const { state, cleared } = acknowledgeFaults({ ...initialGuardState(), latched: [a, b] }, T0, ['over-temperature']);
    expect(cleared).toEqual([b]);
    expect(state.latched).toEqual([a]);
  });

  it('keeps a latched fault across a restart (JSON round trip) until acknowledged', () => {
    const latched: Fault = { kind: 'thermal-runaway', component: 'heater', at: T0, latched: true, message: 'test' };
    const saved = JSON.stringify({ ...initialGuardState(), latched: [latched], lastMono: 123_456 });
    const loaded = resumeGuardState(JSON.parse(saved) as GuardState);
    expect(loaded.lastMono).toBeNull();
    // New process: monotonic time restarts near 0.
    const r = guardEnclosure(enc, measurements({ air: 27.8 }), plan(allOn), loaded, context(5));
    expect(r.heatLockout).toBe(true);
    expect(r.outputs.heater.on).toBe(false);
    expect(r.state.elapsedMs).toBe(0); // the downtime is not counted
  });

  it('measures durations on monotonic time, not on a jumping wall clock', () => {
    // Mister max pulse 5 s: a wall-clock jump of +1 h between two ticks 1 s apart is not 1 h of misting.
    let state = initialGuardState();
    const r1 = guardEnclosure(enc, measurements({ air: 27.8 }), plan({ mister: true }), state, context(0, { mister: true }));
    state = r1.state;
    const r2 = guardEnclosure(enc, measurements({ air: 27.8 }), plan({ mister: true }), state, context(1000, { mister: true }, { now: T0 + 3_600_000 }));
    expect(r2.outputs.mister.on).toBe(true);
    expect(r2.state.onTime.actuators.mister.onMs).toBe(1000);
  });
});

describe('a stalled control loop', () => {
  it('latches tick-overrun naming the controller when a running process ran no tick for 45 min', async () => {
    const { guardEnclosure, initialGuardState, TICK_STALL_FAULT_MS } = await import('../../src/control/guard.js');
    const { context, enclosure, measurements, plan } = await import('./interlocks/fixtures.js');
    const enc = enclosure();
    const m = measurements({ air: 28, probe: 27.5 });
    const p = plan({ heater: false, lights: 'day' });
    const first = guardEnclosure(enc, m, p, initialGuardState(), context(0));
    const normal = guardEnclosure(enc, m, p, first.state, context(1000));
    expect(normal.state.latched).toEqual([]);
    const slowButFine = guardEnclosure(enc, m, p, normal.state, context(1000 + TICK_STALL_FAULT_MS - 1000));
    expect(slowButFine.state.latched).toEqual([]);
    const hung = guardEnclosure(enc, m, p, slowButFine.state, context(1000 + TICK_STALL_FAULT_MS - 1000 + 45 * 60_000));
    expect(hung.state.latched).toEqual([expect.objectContaining({ kind: 'tick-overrun', component: 'controller', latched: true })]);
    expect(hung.state.latched[0].message).toMatch(/no control tick for 45 min/);
    expect(hung.events).toContainEqual(expect.objectContaining({ type: 'fault' }));
  });
});
