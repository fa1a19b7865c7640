import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER } from '../../src/supervisor/recovery-ladder.js';
import { clearedFaults, ENCLOSURE, episodes, RECOVERY_TARGET_MS, runScenario, unmetExpectations } from './support.js';

/**
 * Recovery never gives up: a component gone for longer than the 30 min after which a person is
 * called is still restarted, at a slow cadence, and used again as soon as it works; the
 * `component-failed` fault stays as a record until acknowledged.
 */
describe('a BME280 unplugged for 2 hours', () => {
  it('is latched for a person after 30 min, keeps being restarted, and is used again within minutes of being plugged back in', async () => {
    const airUsedAt: number[] = [];
    const latchedAt: number[] = [];
    let ackResult: unknown;
    let ackAt = Number.POSITIVE_INFINITY;
    const run = await runScenario('bme280-unplugged-2h', {
      days: 0.35,
      onTick: ([oc], _world, controller) => {
        const s = oc.snapshot;
        if (s.temperature?.sensorId === 'air' && s.temperature.quality === 'ok') airUsedAt.push(s.at);
        if (s.faults.some((f) => f.kind === 'component-failed' && f.component === 'air' && f.latched)) latchedAt.push(s.at);
        // The keeper acknowledges at 07:00, two hours after the sensor came back.
        if (ackResult === undefined && s.at >= Date.parse('2026-06-01T07:00:00Z')) {
          ackResult = controller.commands.acknowledge(ENCLOSURE);
          ackAt = s.at;
        }
      },
    });
    const [unplugged] = clearedFaults(run);
    expect(unplugged.clearedAt - unplugged.from).toBe(2 * 3_600_000);
    expect(run.result.report.enclosures[0].safetyViolations).toEqual([]);
    expect(run.uncontrolledHeat).toEqual([]);
    const [ep] = episodes(run.result.recoveries);
    expect(ep.outcome).toBe('manual');
    // Restarts went on after the latch, and the slow cadence was reached (not a fast loop).
    const restarts = run.result.recoveries.filter((r) => r.component === 'air' && r.strategy === 'restart' && r.startedAt > (ep.endedAt as number) && r.startedAt < unplugged.clearedAt);
    expect(restarts.length).toBeGreaterThan(10);
    expect(restarts.length).toBeLessThan(60);
    const gaps = restarts.slice(1).map((r, i) => r.startedAt - restarts[i].startedAt);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_LADDER.slowRestartIntervalMs + 2_000);
    // Used again within the slow restart interval (+ the samples back to healthy) of its return.
    const back = airUsedAt.find((at) => at >= unplugged.clearedAt);
    expect(back).toBeDefined();
    expect((back as number) - unplugged.clearedAt).toBeLessThanOrEqual(DEFAULT_LADDER.slowRestartIntervalMs + RECOVERY_TARGET_MS);
    expect(unplugged.healthyAt).not.toBeNull();
    // The latch stays as a record until acknowledged, and only until then.
    expect(latchedAt.filter((at) => at > (back as number) && at < ackAt).length).toBeGreaterThan(3000);
    expect(ackResult).toEqual({ ok: true, detail: 'acknowledged component-failed:air' });
    expect(latchedAt.filter((at) => at > ackAt)).toEqual([]);
    expect(run.result.modes.at(-1)?.mode).toBe('normal');
    // The shipped expectations hold over the file's own (unacknowledged) day too.
    expect(unmetExpectations({ ...run, result: { ...run.result, modes: run.result.modes.filter((m) => m.at < ackAt) } })).toEqual([]);
  }, 300_000);
});
