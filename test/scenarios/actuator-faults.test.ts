import { describe, expect, it } from 'vitest';
import { clearedFaults, ENCLOSURE, faultKinds, modeSequence, RECOVERY_TARGET_MS, referenceConfig, runScenario, unmetExpectations } from './support.js';

/**
 * Heater, GPIO and water faults on the reference enclosure (100 W ceramic emitter on
 * GPIO 17, active-low; mister with a float switch), real controller, virtual time.
 */

/** Wall ms of the first latched fault of `kind`, or null. */
function latchedAt(run: Awaited<ReturnType<typeof runScenario>>, kind: string): number | null {
  for (const { event } of run.result.events) if (event.type === 'fault' && event.fault.kind === kind && event.fault.latched) return event.fault.at;
  return null;
}

describe('heater that cannot heat', () => {
  // Known bug in src/control/runaway.ts (owned by the control helpers), see the report: a heater
  // that dies while it is holding the setpoint is never latched. The heating watch arms only on a
  // "heating starts" edge (off >= 10 min) or a setpoint raise while on; the 1-min max-on-time rest
  // disarms it and the heater coming back on is not such an edge; the room warming at lights-on
  // satisfies the one window that does arm (+0.5 °C in 20 min); the holding check never reaches
  // `stable` after the morning setpoint raise, and in `stable` the probe (same air) "confirms" the
  // cold, which makes it a non-latched report. Observed: dead at 03:00, no latch in 24 h, mode
  // `normal` throughout, air 8.6 °C below the setpoint, one non-latched heater-no-heat at 22:28.
  it('latches a no-heat or runaway fault within hours of the emitter dying, heat off, mode safe', async () => {
    const run = await runScenario('heater-dead', { days: 0.3 });
    expect(unmetExpectations(run)).toEqual([]);
    const at = latchedAt(run, 'heater-no-heat') ?? latchedAt(run, 'thermal-runaway');
    expect(at).not.toBeNull();
    expect(run.safeHeaterReasons.size).toBeGreaterThan(0);
    for (const r of run.safeHeaterReasons) expect(r).toMatch(/^off: /);
  });

  it('never leaves the enclosure outside its limits while the emitter is dead, and never heats without a reading', async () => {
    const run = await runScenario('heater-dead', { days: 0.3 });
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
    expect(run.uncontrolledHeat).toEqual([]);
    // The relay is driven (the thermostat asks for heat) until the no-heat latch; the dead element gives none.
    expect(run.heaterRelayOnTicks).toBeGreaterThan(20 * 60);
  });
});

describe('welded heater relay', () => {
  it('latches stuck-relay, locks heat out in safe mode across the rest of the run, and the enclosure cools once the relay is freed', async () => {
    const run = await runScenario('relay-stuck-on', { days: 0.3 });
    expect(unmetExpectations(run)).toEqual([]);
    const [weld] = clearedFaults(run);
    const at = latchedAt(run, 'stuck-relay');
    expect(at).not.toBeNull();
    // stuckRelayMinutes 10 (ceramic emitter default) after the air passed setpoint + band + 2 °C.
    expect((at as number) - weld.from).toBeLessThan(60 * 60_000);
    expect(modeSequence(run)).toEqual(['normal', 'safe']);
    expect([...run.safeHeaterReasons]).toEqual(['off: heat lockout: latched stuck-relay (heater); acknowledge to resume']);
    expect(run.uncontrolledHeat).toEqual([]);
    // Without a cutoff relay the heat cannot be stopped (physically forced): any over-temperature
    // spell must lie inside the weld and end when the relay is freed.
    for (const v of run.result.report.enclosures[0].safetyViolations) {
      expect(v.kind).toBe('over-temperature');
      expect(v.from).toBeGreaterThanOrEqual(weld.from);
      expect(v.to).toBeLessThanOrEqual(weld.clearedAt + 60 * 60_000);
    }
  });

  it('opens the cutoff relay on the stuck-relay latch, so the welded heater stops heating at once', async () => {
    const config = referenceConfig((raw) => {
      raw.enclosures[0].actuators.push({ id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24, activeLow: true } });
    });
    let latched: number | null = null;
    const heatingAfterLatch: number[] = [];
    const cutoffOffAfterLatch: boolean[] = [];
    const run = await runScenario('relay-stuck-on', {
      days: 0.3,
      config,
      onTick: ([oc], world) => {
        const s = oc.snapshot;
        if (latched === null && s.faults.some((f) => f.kind === 'stuck-relay' && f.latched)) latched = s.at;
        if (latched === null) return;
        if (world.enclosures.get(ENCLOSURE)?.physics.heaterIsHeating('heater')) heatingAfterLatch.push(s.at);
        cutoffOffAfterLatch.push(!s.actuators.cutoff.on);
      },
    });
    expect(latched).not.toBeNull();
    expect(modeSequence(run)).toEqual(['normal', 'safe']);
    // The cutoff is commanded open in the latching tick; the element is dead from the next one on.
    expect(heatingAfterLatch.filter((t) => t > (latched as number))).toEqual([]);
    expect(cutoffOffAfterLatch.every(Boolean)).toBe(true);
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
  });
});

describe('GPIO write failure on the heater line', () => {
  it('restarts the line, which drives the relay to its off level, and is healthy under thermostat control within 30 s of the line working again', async () => {
    const run = await runScenario('gpio-write-failure', { days: 0.15 });
    expect(unmetExpectations(run)).toEqual([]);
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
    const [wedge] = clearedFaults(run);
    expect(wedge.episodes).toHaveLength(1);
    expect(wedge.episodes[0].outcome).toBe('recovered');
    expect(wedge.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    // The off write failed with the relay on: it stayed on (physically forced) only until the
    // supervisor's first restart reopened the line at its off level.
    const firstRestart = run.result.recoveries.find((r) => r.component === 'heater' && r.strategy === 'restart');
    expect(firstRestart).toBeDefined();
    for (const u of run.uncontrolledHeat) {
      expect(u.at).toBeGreaterThanOrEqual(wedge.from);
      expect(u.at).toBeLessThanOrEqual(firstRestart?.endedAt as number);
    }
    expect(run.uncontrolledHeat.length).toBeLessThanOrEqual(30);
    expect(modeSequence(run)).toEqual(['normal', 'degraded', 'normal']);
    expect(run.controllers).toHaveLength(1);
    expect(run.controllers[0].health().find((h) => h.id === 'heater')?.status).toBe('healthy');
  });
});

describe('empty water reservoir', () => {
  it('holds the mister off while the float switch reads empty, though the air is dry, and mists again after the refill', async () => {
    const run = await runScenario('water-empty', { days: 0.5 });
    expect(unmetExpectations(run)).toEqual([]);
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
    const [window] = run.result.faultWindows;
    const dry = { from: window.from, clearedAt: window.to as number };
    expect(dry.clearedAt - dry.from).toBe(6 * 3_600_000);
    const during = (t: number): boolean => t >= dry.from && t < dry.clearedAt;
    expect(run.dryAt.filter((d) => during(d.at)).length).toBeGreaterThan(0);
    expect(run.misterOnAt.filter(during)).toEqual([]);
    expect(run.misterOnAt.filter((t) => t >= dry.clearedAt).length).toBeGreaterThan(0);
    const water = run.result.events.filter((e) => (e.event.type === 'fault' && e.event.fault.kind === 'water-low') || (e.event.type === 'fault-cleared' && e.event.kind === 'water-low'));
    expect(water.map((e) => e.event.type)).toEqual(['fault', 'fault-cleared']);
    expect(faultKinds(run).has('water-low')).toBe(true);
    expect(modeSequence(run)).toEqual(['normal']);
  });
});
