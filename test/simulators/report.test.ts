import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import type { Fault } from '../../src/control/types.js';
import { BandStats } from '../../simulators/report/metrics.js';
import { ReportWriteError, SimRecorder, formatSummary, recorderEventFromControl, renderChart, reportJson, writeReport } from '../../simulators/report/index.js';

const START = Date.UTC(2024, 5, 3, 0, 0, 0); // Monday
const S = 1000;

/** A snapshot with the leopard gecko's numbers; `on` lists the actuators that are on. */
function snap(at: number, opts: { setpointC?: number; on?: string[]; faults?: Fault[]; lightLevel?: number } = {}): EnclosureSnapshot {
  const on = new Set(opts.on ?? []);
  return {
    enclosureId: 'gecko',
    name: 'Leopard gecko',
    at,
    mode: 'normal',
    phase: 'day',
    lightLevel: opts.lightLevel ?? 1,
    setpointC: opts.setpointC ?? 28,
    hysteresisC: 1,
    setpointOverridden: false,
    humidityRange: { minPct: 30, maxPct: 50 },
    limits: { minC: 16, maxC: 36, maxHumidityPct: 70 },
    temperature: null,
    humidity: null,
    pressure: null,
    actuators: {
      heater: { kind: 'heater', on: on.has('heater'), reason: '' },
      mister: { kind: 'mister', on: on.has('mister'), reason: '' },
    },
    faults: opts.faults ?? [],
    lastFedAt: null,
    health: [],
  };
}

describe('report metrics', () => {
  it('computes time in band, RMS and worst excursions around a setpoint', () => {
    const b = new BandStats();
    for (const v of [28, 29, 30, 27.5, 26]) b.addAroundSetpoint(v, 28, 1);
    const r = b.result();
    expect(r.timeInBandPct).toBe(60);
    expect(r.rmsError).toBeCloseTo(Math.sqrt(9.25 / 5), 12);
    expect(r.maxAbove).toBe(2);
    expect(r.maxBelow).toBe(2);
  });

  it.each([
    // values, time in band %, rms, maxAbove, maxBelow (range 30..50)
    [[25, 55, 40], 100 / 3, Math.sqrt(50 / 3), 5, 5],
    [[30, 50, 45], 100, 0, 0, 0],
    [[29, 29, 29, 29], 0, 1, 0, 1],
  ])('measures humidity %j against its range by distance to the nearest edge', (values, pct, rms, above, below) => {
    const b = new BandStats();
    for (const v of values) b.addInRange(v, 30, 50);
    expect(b.result()).toEqual({ timeInBandPct: expect.closeTo(pct, 9), rmsError: expect.closeTo(rms, 12), maxAbove: above, maxBelow: below });
  });
});

describe('SimRecorder', () => {
  it('measures after warm-up: from the first tick the true air enters the band', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    // 600 ticks warming from 20 °C (out of band, heater on), then 400 ticks at 28.5 °C, 100 at 30 °C.
    for (let i = 0; i < 600; i++) rec.record(snap(START + i * S, { on: ['heater'] }), { airC: 20 + (6.9 * i) / 600, humidityPct: 40 });
    for (let i = 600; i < 1000; i++) rec.record(snap(START + i * S), { airC: 28.5, humidityPct: 40 });
    for (let i = 1000; i < 1100; i++) rec.record(snap(START + i * S), { airC: 30, humidityPct: 40 });
    const e = rec.report({ wallSeconds: 0.5 }).enclosures[0];
    expect(e.warmUpSeconds).toBe(600);
    expect(e.measuredFrom).toBe(START + 600 * S);
    expect(e.temperature.timeInBandPct).toBeCloseTo(80, 12);
    expect(e.temperature.rmsError).toBeCloseTo(Math.sqrt((400 * 0.25 + 100 * 4) / 500), 12);
    expect(e.temperature.maxAbove).toBe(2);
    expect(e.temperature.maxBelow).toBe(0);
    // The heater ran only during warm-up, so after it: 0 % on, no cycles.
    expect(e.actuators.heater).toEqual({ kind: 'heater', cycles: 0, onTimePct: 0, cyclesPerHour: 0 });
  });

  it('covers the whole run and says so when the air never reaches the band', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    for (let i = 0; i < 100; i++) rec.record(snap(START + i * S), { airC: 20, humidityPct: 40 });
    const e = rec.report({ wallSeconds: 1 }).enclosures[0];
    expect(e.warmUpSeconds).toBeNull();
    expect(e.temperature.timeInBandPct).toBe(0);
    expect(e.temperature.rmsError).toBe(8);
  });

  it('counts off-to-on cycles, on-time and cycles per hour of a heater', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    // 3 h of 60 s on / 120 s off, starting off; air always in band.
    for (let i = 0; i < 3 * 3600; i++) rec.record(snap(START + i * S, { on: i % 180 >= 120 ? ['heater'] : [] }), { airC: 28, humidityPct: 40 });
    const heater = rec.report({ wallSeconds: 1 }).enclosures[0].actuators.heater;
    expect(heater.cycles).toBe(60);
    expect(heater.onTimePct).toBeCloseTo(100 / 3, 12);
    expect(heater.cyclesPerHour).toBeCloseTo(20, 12);
  });

  it('records intervals outside the absolute limits with their worst value', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    for (let i = 0; i < 300; i++) {
      const airC = i >= 100 && i < 160 ? 36 + (i - 100) / 100 : 28;
      const humidityPct = i >= 200 ? 75 : 40;
      rec.record(snap(START + i * S), { airC, humidityPct });
    }
    const v = rec.report({ wallSeconds: 1 }).enclosures[0].safetyViolations;
    expect(v).toEqual([
      // 36.0 is not above 36: the interval starts at tick 101.
      { kind: 'over-temperature', from: START + 101 * S, to: START + 160 * S, worst: 36.59, limit: 36, seconds: 59, limitName: 'safety.maxC', node: 'air' },
      // still open at the end: closes at the end of the last tick.
      { kind: 'over-humidity', from: START + 200 * S, to: START + 300 * S, worst: 75, limit: 70, seconds: 100, limitName: 'safety.maxHumidityPct', node: 'humidity' },
    ]);
  });

  it('records episodes of a heater limit spot above its limit.maxC, from the true node the physics exposes', () => {
    const rec = new SimRecorder({ tickMs: 1000, nodeLimits: { gecko: [{ node: 'heaterSurface.heater', limitName: 'actuators.heater.limit.maxC', maxC: 40 }] } });
    for (let i = 0; i < 100; i++) rec.record(snap(START + i * S), { airC: 28, humidityPct: 40, heaterSurfaceC: { heater: i >= 20 && i < 50 ? 41 + i / 100 : 35 } } as { airC: number; humidityPct: number });
    const e = rec.report({ wallSeconds: 1 }).enclosures[0];
    expect(e.safetyViolations).toEqual([{ kind: 'over-temperature', from: START + 20 * S, to: START + 50 * S, worst: 41.49, limit: 40, seconds: 30, limitName: 'actuators.heater.limit.maxC', node: 'heaterSurface.heater' }]);
    expect(e.trueRanges['heaterSurface.heater']).toMatchObject({ unit: '°C', min: 35, max: 41.49, maxAt: START + 49 * S });
  });

  it('records a fault once whether it comes from snapshots or events, plus feeds and recoveries', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    const fault: Fault = { kind: 'thermal-runaway', component: 'heater', at: START + 10 * S, latched: true, message: 'no rise' };
    for (let i = 0; i < 50; i++) rec.record(snap(START + i * S, { faults: i >= 10 ? [fault] : [] }), { airC: 28, humidityPct: 40 });
    const asEvent = recorderEventFromControl({ type: 'fault', fault });
    if (!asEvent) throw new Error('fault events map to recorder events');
    rec.recordEvent('gecko', asEvent);
    rec.recordEvent('gecko', { type: 'feed', actuatorId: 'feeder', at: START + 20 * S, reason: 'scheduled' });
    rec.recordEvent('gecko', { type: 'recovery', component: 'air', detectedAt: START + 30 * S, recoveredAt: START + 42 * S, action: 'reset' });
    expect(recorderEventFromControl({ type: 'notice', message: 'x', at: 0 })).toBeNull();
    const e = rec.report({ wallSeconds: 1 }).enclosures[0];
    // No injected event and no true violation explains it: a false alarm.
    expect(e.faults).toEqual([{ kind: 'thermal-runaway', component: 'heater', at: START + 10 * S, message: 'no rise', event: null, sinceEventSeconds: null, falseAlarm: true }]);
    expect(e.feeds).toEqual([{ actuatorId: 'feeder', at: START + 20 * S, reason: 'scheduled' }]);
    expect(e.recoveries).toEqual([{ component: 'air', detectedAt: START + 30 * S, recoveredAt: START + 42 * S, action: 'reset' }]);
  });

  it('keeps one chart point per simulated minute: a 7-day run at 1 s ticks stays at 10 080 points', () => {
    const rec = new SimRecorder({ tickMs: 1000 });
    const ticks = 7 * 86_400;
    for (let i = 0; i < ticks; i++) rec.record(snap(START + i * S, { on: i % 600 < 200 ? ['heater'] : [] }), { airC: 28 + Math.sin(i / 300), humidityPct: 40 });
    const report = rec.report({ wallSeconds: 3 });
    const series = report.series.gecko;
    expect(series.t).toHaveLength(10_080);
    expect(series.airMax).toHaveLength(10_080);
    expect(series.actuators.heater.onFraction).toHaveLength(10_080);
    expect(report.ticks).toBe(ticks);
    expect(report.simulatedSeconds).toBe(ticks);
    // Minute 0: heater on for ticks 0..59 of its 600 s period.
    expect(series.actuators.heater.onFraction[0]).toBe(1);
    expect(series.actuators.heater.onFraction[4]).toBe(0);
  });

  it('summarises the extremes of each bucket for the chart', () => {
    const rec = new SimRecorder({ tickMs: 1000, bucketMs: 60_000 });
    for (let i = 0; i < 120; i++) rec.record(snap(START + i * S, { on: i < 30 ? ['heater'] : [] }), { airC: 27 + (i % 60) / 30, humidityPct: 40 + (i < 60 ? 0 : 10) });
    const s = rec.report({ wallSeconds: 1 }).series.gecko;
    expect(s.t).toEqual([START, START + 60_000]);
    expect(s.airMin).toEqual([27, 27]);
    expect(s.airMax[0]).toBeCloseTo(27 + 59 / 30, 12);
    expect(s.humidityMean).toEqual([40, 50]);
    expect(s.actuators.heater.onFraction).toEqual([0.5, 0]);
  });
});

describe('report output', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'terrarium-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Two simulated days with day/night setpoints, a fault, a feed, a recovery and a violation. */
  function twoDayReport(): ReturnType<SimRecorder['report']> {
    const rec = new SimRecorder({ tickMs: 10_000, timezone: 'Europe/Berlin' });
    for (let i = 0; i < 2 * 8640; i++) {
      const at = START + i * 10_000;
      const hour = ((at - START) / 3_600_000 + 2) % 24; // CEST
      const day = hour >= 8 && hour < 20;
      const airC = (day ? 28 : 22) + 0.4 * Math.sin(i / 6) + (i > 12_000 && i < 12_100 ? 9 : 0);
      rec.record(snap(at, { setpointC: day ? 28 : 22, lightLevel: day ? 1 : 0, on: i % 6 < 2 ? ['heater'] : [] }), { airC, humidityPct: 40 });
    }
    rec.recordEvent('gecko', { type: 'fault', kind: 'sensor-stale', component: 'air', at: START + 30 * 3_600_000 });
    rec.recordEvent('gecko', { type: 'recovery', component: 'air', detectedAt: START + 30 * 3_600_000, recoveredAt: START + 30 * 3_600_000 + 90_000 });
    rec.recordEvent('gecko', { type: 'feed', actuatorId: 'mister', at: START + 16 * 3_600_000, reason: 'manual' });
    return rec.report({ wallSeconds: 0.25, meta: { seed: 7 } });
  }

  it('writes report.json with every documented field, ISO timestamps included', async () => {
    const paths = await writeReport(dir, twoDayReport());
    const json = JSON.parse(await readFile(paths.json, 'utf8')) as Record<string, any>;
    const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    expect(json).toMatchObject({ ticks: 17_280, simulatedSeconds: 172_800, wallSeconds: 0.25, meta: { seed: 7 } });
    expect(json.startedAt).toMatch(isoRe);
    const e = json.enclosures[0];
    for (const q of ['temperature', 'humidity']) {
      for (const k of ['timeInBandPct', 'rmsError', 'maxAbove', 'maxBelow']) expect(typeof e[q][k]).toBe('number');
    }
    expect(e.actuators.heater).toMatchObject({ cycles: expect.any(Number), onTimePct: expect.any(Number), cyclesPerHour: expect.any(Number) });
    expect(e.faults).toEqual([{ kind: 'sensor-stale', component: 'air', at: '2024-06-04T06:00:00.000Z', event: null, sinceEventSeconds: null, falseAlarm: true }]);
    expect(e.recoveries).toEqual([{ component: 'air', detectedAt: '2024-06-04T06:00:00.000Z', recoveredAt: '2024-06-04T06:01:30.000Z', seconds: 90 }]);
    expect(e.feeds).toEqual([{ actuatorId: 'mister', at: '2024-06-03T16:00:00.000Z', monotonicSeconds: null, reason: 'manual' }]);
    expect(e.safetyViolations).toHaveLength(1);
    expect(e.safetyViolations[0]).toMatchObject({ kind: 'over-temperature', from: expect.stringMatching(isoRe), to: expect.stringMatching(isoRe) });
    expect(typeof e.warmUpSeconds).toBe('number');
    expect(json.notes.join(' ')).toMatch(/after warm-up/);
  });

  it('renders an SVG chart with its title, panels, local-time axis and fault label, without Vega warnings', async () => {
    const report = twoDayReport();
    const { svg, warnings } = await renderChart(report);
    expect(warnings).toEqual([]);
    await writeReport(dir, report);
    const file = await readFile(join(dir, 'report.svg'), 'utf8');
    expect(file).toBe(svg);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Terrarium simulation report', 'Air temperature (true), °C', 'Relative humidity (true), %RH', 'Outputs:', 'sensor-stale (air)', 'setpoint ±1 °C', 'night (lights off)']) {
      expect(svg).toContain(text);
    }
    // Local dates in Europe/Berlin at midnight, local times in between.
    expect(svg).toContain('Tue 04 Jun');
    expect(svg).toContain('12:00');
  });

  it('draws one section per enclosure, with hourly local times on a short run', async () => {
    const rec = new SimRecorder({ tickMs: 60_000, timezone: 'UTC' });
    for (let i = 0; i < 6 * 60; i++) {
      rec.record({ ...snap(START + i * 60_000), enclosureId: 'a', name: 'Mantis box' }, { airC: 28, humidityPct: 60 });
      rec.record({ ...snap(START + i * 60_000), enclosureId: 'b', name: 'Python vivarium' }, { airC: 27, humidityPct: 55 });
    }
    const { svg, warnings } = await renderChart(rec.report({ wallSeconds: 0.01 }));
    expect(warnings).toEqual([]);
    expect(svg).toContain('Mantis box');
    expect(svg).toContain('Python vivarium');
    expect(svg).toContain('03:00');
    expect(svg).not.toContain('night (lights off)');
  });

  it('names the path when the report cannot be written', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    await expect(writeReport(join(blocker, 'sub'), twoDayReport())).rejects.toThrow(ReportWriteError);
  });

  it('prints a short summary with time in band, cycles per hour, feeds, faults, recoveries and violations', () => {
    const text = formatSummary(twoDayReport());
    expect(text).toMatch(/^Simulated 2\.0 days \(17,280 ticks\) in 0\.3 s/);
    expect(text).toContain('Leopard gecko (gecko)');
    expect(text).toMatch(/temperature\s+\d+\.\d % within ±1 °C of setpoint, RMS \d\.\d\d °C/);
    expect(text).toMatch(/heater\s+heater: \d+\.\d\d cycles\/h/);
    expect(text).toContain('feeds        1: Mon 03 Jun 18:00 manual');
    expect(text).toContain('faults       1: sensor-stale air at Tue 04 Jun 08:00');
    expect(text).toContain('recoveries   1: air Tue 04 Jun 08:00 -> 90 s');
    expect(text).toMatch(/safety\s+1: over-temperature/);
  });

  it('keeps report.json free of the chart series', () => {
    const json = reportJson(twoDayReport());
    expect(JSON.stringify(json)).not.toContain('airMin');
  });
});
