import { performance } from 'node:perf_hooks';
import { pool, runBenchChild } from './children.js';
import { REFERENCE_ENCLOSURES } from './configs.js';
import { MB, processFigures } from './figures.js';
import { measureRealTimeRun } from './process-figures.js';
import { attempt, type Figure, failedFigure, figure } from './results.js';

/**
 * Phase 3 of `npm run bench`: the 60 s real-time run (CPU, memory) beside the heap-leak and
 * control-quality simulations, which run as child processes two at a time.
 */

/** Wall-clock budget for the leak and control-quality simulations, s (the whole run must stay under 5 min). */
const SIMULATION_BUDGET_S = 190;
/** Days of the leak figure (day 1 vs the last day). */
const LEAK_DAYS = 7;
/** Days of the control-quality figure when the machine is fast enough. */
const QUALITY_DAYS = 7;
type Profile = keyof typeof REFERENCE_ENCLOSURES;
const PROFILES = Object.keys(REFERENCE_ENCLOSURES) as Profile[];

interface Quality {
  profile: string;
  variant: 'ours' | 'plain';
  days: number;
  timeInBandPct: number;
  rmsErrorC: number;
  heaterCyclesPerHour: number;
  heaterOnTimePct: number;
  faults: number;
  safetyViolations: number;
  ticks: number;
  wallSeconds: number;
}

/** Heap growth between simulated day 1 and the last day. */
function leakFigure(r: { day1Bytes: number; lastBytes: number; perDay: number[]; days: number; ticks: number; outboxRows: number }): Figure {
  const growth = (r.lastBytes - r.day1Bytes) / MB;
  return figure({
    id: 'leaks',
    name: `heap growth, simulated day 1 -> day ${r.days}`,
    value: growth,
    unit: 'MB',
    reference: { name: 'heap used after day 1', value: r.day1Bytes / MB, unit: 'MB' },
    target: '<= 5 MB',
    pass: growth <= 5,
    note: 'Child with --expose-gc: the full controller (telemetry to the outbox, broker offline) in virtual time; heapUsed after two global.gc() at the end of day 1 and of the last day.',
    details: { perDayMB: r.perDay.map((b) => +(b / MB).toFixed(2)), ticks: r.ticks, outboxRows: r.outboxRows },
  });
}

/** One figure per reference profile: our time in band against the plain thermostat's, and the cycles. */
function qualityFigures(results: Quality[], days: number): Figure[] {
  return PROFILES.map((profile) => {
    const ours = results.find((q) => q.profile === profile && q.variant === 'ours');
    const plain = results.find((q) => q.profile === profile && q.variant === 'plain');
    if (!ours || !plain) return failedFigure(`quality-${profile}`, `control quality, ${profile}`, 'time in band >= plain, heater cycles <= 1/2 plain', new Error('a simulation failed'));
    const tibOk = ours.timeInBandPct >= plain.timeInBandPct;
    const cyclesOk = ours.heaterCyclesPerHour <= plain.heaterCyclesPerHour / 2;
    return figure({
      id: `quality-${profile}`,
      name: `control quality, ${profile} (${days} d)`,
      value: ours.timeInBandPct,
      unit: '% in ±1 °C',
      reference: { name: 'plain on/off thermostat ±0.5 °C', value: plain.timeInBandPct, unit: '% in ±1 °C' },
      target: 'time in band >= plain, heater cycles <= 1/2 plain',
      pass: tibOk && cyclesOk,
      note: `ours: RMS ${ours.rmsErrorC.toFixed(2)} °C, ${ours.heaterCyclesPerHour.toFixed(2)} heater cycles/h; plain: RMS ${plain.rmsErrorC.toFixed(2)} °C, ${plain.heaterCyclesPerHour.toFixed(2)} cycles/h (cycles ratio ${(ours.heaterCyclesPerHour / plain.heaterCyclesPerHour).toFixed(2)}). True air temperature vs the active setpoint after warm-up, runSimulation (as terrarium simulate). Plain = the same controller and hardware with hysteresis 1.0 °C, min on/off 0, no time-proportioning.`,
      details: { ours, plain },
    });
  });
}

/**
 * The 60 s real-time run (CPU, memory) beside the leak and control-quality simulations (children,
 * two at a time). The quality days are cut to the largest subset that fits the budget at `ticksPerSecond`.
 */
export async function realTimeLeaksAndQuality(ticksPerSecond: number): Promise<Figure[]> {
  // Each child runs at about the measured speed (without telemetry, with the report recorder: the
  // two roughly cancel, measured); the quality days are cut (the largest honest subset) when 7 would not fit.
  const perChild = Math.max(1, ticksPerSecond);
  const fit = Math.floor(((SIMULATION_BUDGET_S * 2 * perChild) / 86_400 - LEAK_DAYS) / (2 * PROFILES.length));
  const days = Math.max(1, Math.min(QUALITY_DAYS, fit));
  process.stderr.write(`bench: phase 3: real-time run, leaks (${LEAK_DAYS} d) and control quality (${days} d x ${PROFILES.length} profiles x 2), two at a time\n`);
  const realTime = attempt('cpu-per-tick', 'real-time run (CPU, memory)', '<= 1 ms', async () => processFigures(await measureRealTimeRun(60)));
  const tasks: Array<() => Promise<unknown>> = [() => runBenchChild<Parameters<typeof leakFigure>[0]>('child-leaks.ts', [String(LEAK_DAYS)], ['--expose-gc'])];
  for (const profile of PROFILES) for (const variant of ['ours', 'plain'] as const) tasks.push(() => runBenchChild<Quality>('child-quality.ts', [profile, variant, String(days)]));
  const t0 = performance.now();
  const settled = await pool(2, tasks);
  process.stderr.write(`bench: leaks and control quality (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  const figures = await realTime;
  const leak = settled[0];
  figures.push(leak.status === 'fulfilled' ? leakFigure(leak.value as Parameters<typeof leakFigure>[0]) : failedFigure('leaks', 'heap growth day 1 -> day 7', '<= 5 MB', leak.reason));
  const quality = settled.slice(1).flatMap((s) => (s.status === 'fulfilled' ? [s.value as Quality] : []));
  for (const s of settled.slice(1)) if (s.status === 'rejected') process.stderr.write(`bench: a quality run failed: ${(s.reason as Error).message}\n`);
  figures.push(...qualityFigures(quality, days));
  if (days < QUALITY_DAYS) for (const f of figures.filter((x: Figure) => x.id.startsWith('quality-'))) f.note = `${days} of 7 simulated days: the largest subset that fits the 5-minute budget at this machine's simulation speed. ${f.note}`;
  return figures;
}
