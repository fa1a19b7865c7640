import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { reportJson } from '../../simulators/report/report-json.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { loadScenario } from '../../simulators/scenario.js';
import { scenarioFile } from './support.js';

/**
 * The report's tick-timing figures on the shipped rack (`config/simulated-rack.json`: four
 * enclosures, each with a BME280 and two DS18B20, faithful device timing) and the
 * `tick-period-real-timing` scenario: report.json alone must say whether the 1 s period holds.
 */
const MINUTES = 10;

describe('tick timing in report.json', () => {
  it('accounts for every period of the run (a tick ran or the period was skipped) and gives the verdict p99 lateness <= 50 ms', async () => {
    const config = loadConfig('config/simulated-rack.json');
    expect(config.hardware.sim.timing).toBe('faithful');
    const result = await runSimulation({ config, days: MINUTES / 1440, scenario: loadScenario(scenarioFile('tick-period-real-timing')) });
    const json = reportJson(result.report);
    const t = json.tickTiming;
    if (!t) throw new Error('no tick timing in the report');
    expect(t.ticks).toBe(result.ticks);
    expect(t.periodMs).toBe(1000);
    // Every period from the first tick to the last: one tick started in it, or it was skipped. (The
    // report's span runs between snapshots, taken after sampling: within a tick's duration of it.)
    const span = (Date.parse(json.endedAt) - Date.parse(json.startedAt)) / 1000;
    const slack = t.durationMs.max / 1000 + 1;
    expect(t.ticks + t.skippedPeriods).toBeGreaterThanOrEqual(span - slack);
    expect(t.ticks + t.skippedPeriods).toBeLessThanOrEqual(span + slack);
    expect(t.latenessMs.p50).toBeLessThanOrEqual(t.latenessMs.p99);
    expect(t.latenessMs.p99).toBeLessThanOrEqual(t.latenessMs.max);
    // A tick that takes longer than a period makes the next one late by the periods it skipped.
    if (t.overruns > 0) expect(t.latenessMs.max).toBeGreaterThanOrEqual(1000);
    expect(t.holds).toBe(t.latenessMs.p99 <= t.criterion.p99LatenessMaxMs);
    expect(t.criterion.p99LatenessMaxMs).toBe(50);
    expect(json.verdict.tickPeriodHolds).toBe(t.holds);
  });

  it('says the 1 s period holds on real device timing: sensors sample beside the tick, so no tick waits for a 750 ms conversion', async () => {
    const config = loadConfig('config/simulated-rack.json');
    const result = await runSimulation({ config, days: MINUTES / 1440, scenario: loadScenario(scenarioFile('tick-period-real-timing')) });
    const json = reportJson(result.report);
    expect(json.tickTiming).toMatchObject({ holds: true, skippedPeriods: 0, overruns: 0 });
    expect(json.tickTiming?.latenessMs.p99).toBeLessThanOrEqual(50);
    expect(json.verdict.tickPeriodHolds).toBe(true);
  });
});
