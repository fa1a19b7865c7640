import { describe, expect, it } from 'vitest';
import { clearedFaults, episodes, modeSequence, RECOVERY_TARGET_MS, recoveryFigures, runScenario, type ScenarioRun, unmetExpectations } from './support.js';

/**
 * The combined 7-day scenario (`simulators/scenarios/bad-week.json`) and the aggregate figures of
 * The reliability targets such systems set themselves are at least 85 % of
 * faults recovered automatically and a mean time to recover under 2 minutes; we aim at every
 * transient fault recovered automatically, each within 30 s of the fault clearing. The whole week
 * runs once (about 1.5 min of CPU) and every test reads the same run.
 */

let week: Promise<ScenarioRun> | undefined;
/** The keeper acknowledges the Thursday crash (a latched `unclean-stop`) on Friday morning. */
const ACK_AT = Date.parse('2026-06-05T06:00:00Z');
function badWeek(): Promise<ScenarioRun> {
  let acked = false;
  week ??= runScenario('bad-week', {
    onTick: ([oc], _world, controller) => {
      if (acked || oc.snapshot.at < ACK_AT) return;
      acked = true;
      controller.commands.acknowledge(oc.snapshot.enclosureId);
    },
  });
  return week;
}

describe('a bad week (7 simulated days, 14 faults)', () => {
  it('keeps the gecko inside its limits, feeds exactly the two scheduled times, and ends the week in normal mode', { timeout: 600_000 }, async () => {
    const run = await badWeek();
    expect(unmetExpectations(run)).toEqual([]);
    const enc = run.result.report.enclosures[0];
    // Every second ticked but the 30 s the crashed process was down and the ticks a stalled I2C bus delayed.
    expect(run.result.ticks).toBeGreaterThan(7 * 86_400 - 120);
    expect(enc.safetyViolations).toEqual([]);
    expect(run.uncontrolledHeat).toEqual([]);
    expect(enc.feeds.map((f) => new Date(f.at).toISOString().slice(0, 16))).toEqual(['2026-06-01T16:00', '2026-06-04T16:00']);
    // One crash-restart: two controllers, the second on the first's state directory.
    expect(run.controllers).toHaveLength(2);
    expect(modeSequence(run).at(-1)).toBe('normal');
    expect(modeSequence(run)).not.toContain('safe');
    // The crash was reported like a fault, latched until the keeper's acknowledgement.
    const unclean = run.result.events.filter((e) => e.event.type === 'fault' && e.event.fault.kind === 'unclean-stop');
    expect(unclean).toHaveLength(1);
  });

  it('recovers every device fault automatically, each within 30 s of clearing', { timeout: 600_000 }, async () => {
    const run = await badWeek();
    const cleared = clearedFaults(run);
    expect(cleared).toHaveLength(10);
    for (const c of cleared) {
      expect({ fault: `${c.device} ${c.kind}`, recoveredWithinTarget: c.recoveryMs <= RECOVERY_TARGET_MS }).toEqual({ fault: `${c.device} ${c.kind}`, recoveredWithinTarget: true });
      for (const e of c.episodes) expect(e.outcome).toBe('recovered');
    }
    // The worst case over the week, for the report: restarts every 20 s at most plus 3 good samples.
    expect(Math.max(...cleared.map((c) => c.recoveryMs))).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
  });

  it('beats the usual targets: 100 % of faults recovered automatically, mean time to recover under 2 minutes', { timeout: 600_000 }, async () => {
    const run = await badWeek();
    const eps = episodes(run.result.recoveries);
    const figures = recoveryFigures(eps, clearedFaults(run));
    // 100 % bursts, disconnect, CRC, GPIO, stalled bus, frozen chip, noise, power-on probe: 8 faults
    // reach the supervisor; 1 % / 10 % bursts, the dry reservoir, the crash and clock steps do not.
    expect(figures.faults).toBe(8);
    expect(figures.share).toBe(1);
    // Measured from the fault clearing (the controller's part); from detection it also contains
    // how long each injected fault lasted (2 to 15 min here), which no controller can shorten.
    expect(figures.mttrAfterClearMs).toBeLessThan(2 * 60_000);
    expect(figures.mttrAfterClearMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
    expect(figures.mttrFromDetectionMs).toBeGreaterThan(figures.mttrAfterClearMs);
    // Every recovered episode is in the simulation report once, detected -> healthy again.
    const report = run.result.report.enclosures[0].recoveries;
    expect(report.map((r) => [r.component, r.detectedAt, r.recoveredAt])).toEqual(eps.map((e) => [e.component, e.detectedAt, e.endedAt]));
  });
});
