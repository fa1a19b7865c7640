import { describe, expect, it } from 'vitest';
import { ENCLOSURE, faultKinds, modeSequence, referenceConfig, runScenario, unmetExpectations } from './support.js';

/**
 * Heat safety in both directions on simulated hardware: after a heater fault heat is locked out
 * until a person acknowledges, yet the animal is never left below the profile's minimum while a
 * heat path is still controllable (frost protection); hot surfaces are overheats, not broken
 * probes; normal heat from lights and a mat's thermal lag raise nothing.
 */

/**
 * The reference enclosure with a cutoff relay in series with all heat, in a room warm by day and
 * cold at night, without its fan (the fan's cooling hides a welded emitter's rise by day, which
 * would keep this scenario from ever latching).
 */
function coldRoomWithCutoff(cutoff = true) {
  return referenceConfig((raw) => {
    raw.enclosures[0].actuators = raw.enclosures[0].actuators.filter((a: { kind: string }) => a.kind !== 'fan');
    raw.hardware.sim.room = { dayC: 21, nightC: 8, humidityPct: 45 };
    raw.enclosures[0].physics.initialC = 24;
    if (cutoff) raw.enclosures[0].actuators.push({ id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24, activeLow: true } });
  });
}

describe('frost protection while heat is locked out', () => {
  it('holds the gecko above its 16 °C minimum through the cutoff relay and the freed heater after a weld, without an acknowledgement, telling the keeper at once', async () => {
    const config = coldRoomWithCutoff();
    let coldest = Number.POSITIVE_INFINITY;
    let frostTicks = 0;
    let cutoffClosedWhileLocked = 0;
    const run = await runScenario('relay-welded-cold-room', {
      days: 1,
      config,
      onTick: ([oc], world) => {
        const s = oc.snapshot;
        const air = world.enclosures.get(ENCLOSURE)?.physics.state().airC;
        if (s.at > Date.parse('2026-06-01T11:00:00Z') && air !== undefined) coldest = Math.min(coldest, air);
        if (s.mode === 'safe' && s.actuators.heater.on) frostTicks++;
        if (s.mode === 'safe' && s.actuators.cutoff.on) cutoffClosedWhileLocked++;
      },
    });
    expect(unmetExpectations(run)).toEqual([]);
    const latch = run.result.events.find((e) => e.event.type === 'fault' && e.event.fault.kind === 'stuck-relay' && e.event.fault.latched);
    expect(latch?.event.type === 'fault' && latch.event.fault.component).toBe('heater');
    // No under-temperature at all: frost protection held the minimum for the rest of the run.
    expect(run.result.report.enclosures[0].safetyViolations.filter((v) => v.kind === 'under-temperature')).toEqual([]);
    expect(coldest).toBeGreaterThanOrEqual(16);
    expect(frostTicks).toBeGreaterThan(600);
    expect(cutoffClosedWhileLocked).toBeGreaterThan(600);
    const notice = run.result.events.find((e) => e.event.type === 'notice' && e.event.message.startsWith('frost protection: heat locked out'));
    expect(notice).toBeDefined();
    // Heat stays locked out (safe) until acknowledged; frost protection is not a way out of it.
    expect(run.result.modes.at(-1)?.mode).toBe('safe');
    for (const r of run.safeHeaterReasons) expect(r).toMatch(/^(off: heat lockout|on: frost protection|off: held off: minimum off time)/);
  }, 180_000);
});

/** The reference enclosure heated by a 60 W heat mat whose surface probe is its limit (40 °C), with or without a cutoff relay. */
function matEnclosure(o: { cutoff: boolean; profile?: string; quietProbesC?: number }) {
  return referenceConfig((raw) => {
    const e = raw.enclosures[0];
    if (o.profile) e.profile = o.profile;
    if (o.quietProbesC !== undefined) raw.hardware.sim.sensorNoiseC = o.quietProbesC;
    e.sensors[1].placement = 'surface';
    e.actuators[0] = { id: 'heater', kind: 'heater', heaterType: 'heat-mat', powerW: 60, output: { type: 'gpio', pin: 17, activeLow: true }, sensors: ['air'], limit: { sensor: 'probe', maxC: 40 } };
    if (o.cutoff) e.actuators.push({ id: 'cutoff', kind: 'cutoff', output: { type: 'gpio', pin: 24, activeLow: true } });
  });
}

/** First latched fault event of the run. */
function firstLatch(run: Awaited<ReturnType<typeof runScenario>>) {
  for (const { event } of run.result.events) if (event.type === 'fault' && event.fault.latched) return event.fault;
  return null;
}

describe('a heat mat whose relay welds', () => {
  it('is seen on its surface probe: a heat fault naming the mat within 30 min, the cutoff opened, the surface back under its limit', async () => {
    let hottest = 0;
    let heatingAfterLatch = 0;
    let latchedAt: number | null = null;
    const run = await runScenario('mat-relay-welded', {
      days: 0.25,
      config: matEnclosure({ cutoff: true }),
      onTick: ([oc], world) => {
        const s = oc.snapshot;
        const st = world.enclosures.get(ENCLOSURE)?.physics;
        hottest = Math.max(hottest, st?.state().probeC ?? 0);
        if (latchedAt === null && s.faults.some((f) => f.latched)) latchedAt = s.at;
        if (latchedAt !== null && st?.heaterIsHeating('heater')) heatingAfterLatch++;
      },
    });
    expect(unmetExpectations(run)).toEqual([]);
    const weldAt = run.result.faultWindows[0].from;
    const latch = firstLatch(run);
    expect(latch).not.toBeNull();
    expect(latch?.component).toBe('heater');
    expect(['over-temperature', 'stuck-relay']).toContain(latch?.kind);
    expect((latch?.at as number) - weldAt).toBeLessThan(40 * 60_000);
    // The cutoff in series stopped the welded mat at once; the surface peaked a few degrees over.
    expect(heatingAfterLatch).toBe(0);
    expect(hottest).toBeLessThan(40 + 10);
    expect(faultKinds(run).has('stuck-relay')).toBe(true);
  }, 300_000);

  it('without a cutoff: the surface climbing beyond the probe range is reported as the mat overheating, not as a failed probe', async () => {
    const run = await runScenario('mat-relay-welded', {
      days: 0.25,
      config: referenceConfig((raw) => {
        const e = raw.enclosures[0];
        e.sensors[1].placement = 'surface';
        // A 150 W mat: welded, its surface climbs past 60 °C, the end of the probe's plausible range here.
        e.actuators[0] = { id: 'heater', kind: 'heater', heaterType: 'heat-mat', powerW: 150, output: { type: 'gpio', pin: 17, activeLow: true }, sensors: ['air'], limit: { sensor: 'probe', maxC: 40 } };
      }),
    });
    const overheat = run.result.events.filter((e) => e.event.type === 'fault' && e.event.fault.kind === 'over-temperature' && e.event.fault.component === 'heater');
    expect(overheat.length).toBeGreaterThan(0);
    const messages = overheat.map((e) => (e.event.type === 'fault' ? e.event.fault.message : ''));
    expect(messages.some((m) => /heater overheating/.test(m))).toBe(true);
    const latch = firstLatch(run);
    expect(latch?.component).toBe('heater');
  }, 300_000);
});

describe('no false alarms', () => {
  it('a lit tarantula enclosure on a mat, with very quiet probes (0.01 °C noise), runs a day and a half without a latched fault, a stuck sensor or an over-temperature', async () => {
    const run = await runScenario('mat-relay-welded', {
      days: 1.5,
      config: matEnclosure({ cutoff: true, profile: 'chilean-rose-tarantula', quietProbesC: 0.01 }),
      scenario: { name: 'fault-free', description: 'no fault', days: 1.5, events: [], expect: { modes: [], faults: [] } },
    });
    expect(firstLatch(run)).toBeNull();
    const kinds = faultKinds(run);
    for (const k of ['stuck-relay', 'over-temperature', 'sensor-stuck', 'component-failed', 'thermal-runaway', 'heater-no-heat']) expect(kinds.has(k)).toBe(false);
    expect(modeSequence(run)).toEqual(['normal']);
    // The only excursions are the mat surface's thermal lag past its 40 °C limit after switch-off,
    // well inside the 5 °C the controller allows before it calls it an overheat.
    for (const v of run.result.report.enclosures[0].safetyViolations) {
      expect(v.kind).toBe('over-temperature');
      expect(v.worst).toBeLessThan(40 + 5);
    }
  }, 300_000);
});
