import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { reportJson } from '../../simulators/report/report-json.js';
import { ReportJsonSchema, reportFieldPaths } from '../../simulators/report/report-schema.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { ScenarioSchema } from '../../simulators/scenario.js';

/** The backticked first cell of every table row of docs/simulation.md's report contract. */
function documentedFields(): string[] {
  const doc = readFileSync('docs/simulation.md', 'utf8');
  const section = doc.slice(doc.indexOf('## The report contract'), doc.indexOf('## Judging a run'));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
}

/** The BME280 unplugged for 2 min at 00:30, then the process crashes at 00:50 for 10 s. */
const SCENARIO = ScenarioSchema.parse({
  name: 'contract',
  description: 'a device fault and a crash, to fill every list of the report',
  days: 1,
  events: [
    { at: '30m', duration: '2m', device: 'air', fault: { kind: 'i2c-disconnect' } },
    { at: '50m', fault: { kind: 'crash-restart', downtime: '10s' } },
  ],
});

describe('report.json contract', () => {
  it('documents exactly the fields of the schema', () => {
    const documented = documentedFields();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...reportFieldPaths()].sort());
  });

  it('holds for a real run: every field typed, faults attributed to their event, recovery timed, downtime in the mode timeline', async () => {
    const result = await runSimulation({ config: loadConfig('config/simulated.json'), days: 1 / 24, scenario: SCENARIO });
    const json = JSON.parse(JSON.stringify(reportJson(result.report)));
    const parsed = ReportJsonSchema.safeParse(json);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    const report = ReportJsonSchema.parse(json);
    const e = report.enclosures[0];

    // The unplugged BME280 is detected within seconds of the event, as caused by it.
    const airFaults = e.faults.filter((f) => f.component === 'air');
    expect(airFaults.length).toBeGreaterThan(0);
    for (const f of airFaults) {
      expect(f).toMatchObject({ event: 0, falseAlarm: false });
      expect(f.sinceEventSeconds).toBeGreaterThanOrEqual(0);
      expect(f.sinceEventSeconds).toBeLessThan(120);
    }
    expect(e.falseAlarms).toEqual([]);
    expect(report.verdict).toEqual({ safetyViolations: 0, falseAlarms: 0, unrecoveredInjections: 0, tickPeriodHolds: true });

    const [unplug, crash] = report.injected;
    expect(unplug).toMatchObject({ kind: 'i2c-disconnect', device: 'air', durationSeconds: 120, monotonicSeconds: 1800, clearedAt: '2026-06-01T00:32:00.000Z' });
    expect(unplug.touches).toEqual({ scope: 'device', all: false, components: { gecko: ['air', 'heater', 'mister', 'fan'] } });
    // Healthy again within the 30 s recovery target of clearing.
    const airBack = unplug.recovery?.components.find((c) => c.component === 'air')?.seconds;
    expect(airBack).toBeGreaterThanOrEqual(0);
    expect(airBack).toBeLessThanOrEqual(30);
    expect(crash).toMatchObject({ kind: 'crash-restart', fields: { downtime: '10s' }, touches: { scope: 'process', all: true } });
    expect(crash.recovery?.seconds).toBeLessThanOrEqual(30);

    // Degraded while the BME280 is away (the probe stands in), then 10 s down for the crash; after
    // the unclean restart the enclosure stays degraded (unclean-stop latched) until acknowledged.
    expect(e.modeTimeline.map((m) => m.mode)).toEqual(['normal', 'degraded', 'normal', 'down', 'degraded']);
    expect(e.modeTimeline[1].from >= '2026-06-01T00:30:00.000Z' && e.modeTimeline[1].to <= '2026-06-01T00:32:30.000Z').toBe(true);
    expect(e.modeTimeline[3].from).toBe('2026-06-01T00:50:00.000Z');
    expect(e.modeTimeline[3].seconds).toBeGreaterThanOrEqual(10);
    expect(e.modeTimeline[3].seconds).toBeLessThan(11);
    for (let i = 1; i < e.modeTimeline.length; i++) expect(e.modeTimeline[i].from).toBe(e.modeTimeline[i - 1].to);

    // True ranges of the air, humidity, the basking surface and the heater element.
    expect(Object.keys(e.trueRanges)).toEqual(expect.arrayContaining(['air', 'humidity', 'probe', 'heater.heater']));
    expect(e.trueRanges.air.min).toBeLessThan(e.trueRanges.air.max);
    expect(e.trueRanges['heater.heater'].max).toBeGreaterThan(e.trueRanges.air.max);

    expect(report.tickTiming).toMatchObject({ periodMs: 1000, skippedPeriods: 0, holds: true });
    expect(report.tickTiming?.ticks).toBeGreaterThan(3500);
  });
});
