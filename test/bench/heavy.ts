import { plainThermostat, REFERENCE_ENCLOSURES, simulatedRaw, withMqtt, writeConfig } from './configs.js';
import type { BenchPlan } from './plan.js';
import { runChild } from './procs.js';
import { MB } from './realtime.js';
import { failedFigure, type Figure, figure } from './results.js';

/**
 * Heap growth over simulated days: the full controller with telemetry to the outbox (broker
 * offline) in one `node --expose-gc` child of the shipped build; heapUsed after two gc() at the
 * end of each simulated day; growth = last day - day 1.
 */
export async function leakFigure(plan: BenchPlan, dir: string): Promise<Figure> {
  const file = writeConfig(withMqtt(simulatedRaw()), dir, 'leaks');
  const r = await runChild<{ perDayBytes: number[]; ticks: number; outboxRows: number }>('child-leaks.mjs', [file, String(plan.leakDays)], ['--expose-gc']);
  const day1 = r.perDayBytes[0];
  const last = r.perDayBytes[r.perDayBytes.length - 1];
  return figure({
    id: 'leaks',
    name: `heap growth, simulated day 1 -> day ${plan.leakDays}`,
    value: (last - day1) / MB,
    unit: 'MB',
    reference: { name: 'heap used after day 1', value: day1 / MB, unit: 'MB' },
    ratio: null,
    target: '<= 1 MB over 7 simulated days',
    targetSpec: { op: '<=', limit: 1, of: 'value' },
    method: `One \`node --expose-gc\` process of the shipped build (test/bench/child-leaks.mjs): the real Controller from dist/ on SimWorld in virtual time with the real Telemetry writing readings and events to the SQLite outbox (broker that never answers), ${plan.leakDays} simulated days; heapUsed after two gc() at the end of each day; value = last day - day 1 (day 1 holds the start-up and the first outbox/state writes).${plan.quick ? ` QUICK MODE: ${plan.leakDays} days, not 7.` : ''}`,
    details: { perDayMB: r.perDayBytes.map((b) => +(b / MB).toFixed(3)), ticks: r.ticks, outboxRows: r.outboxRows },
  });
}

interface Quality {
  days: number;
  timeInBandPct: number;
  rmsErrorC: number;
  maxAboveC: number;
  maxBelowC: number;
  heaterCyclesPerHour: number;
  heaterOnTimePct: number;
  faults: number;
  safetyViolations: number;
  ticks: number;
}

type Profile = keyof typeof REFERENCE_ENCLOSURES;

/**
 * Control quality per reference profile: our heater control against a plain on/off thermostat on
 * the SAME band (profile setpoint ± hysteresis/2), same enclosure, hardware, physics and guard;
 * runSimulation from dist/ for each, sequentially.
 */
export async function qualityFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const profile of Object.keys(REFERENCE_ENCLOSURES) as Profile[]) {
    try {
      const raw = simulatedRaw();
      const enc = REFERENCE_ENCLOSURES[profile](raw);
      const run = (e: Record<string, unknown>, name: string): Promise<Quality> =>
        runChild<Quality>('child-quality.mjs', [writeConfig({ ...raw, enclosures: [e] }, dir, name), String(plan.qualityDays)]);
      const ours = await run(enc, `quality-${profile}-ours`);
      const plain = await run(plainThermostat(enc), `quality-${profile}-plain`);
      out.push(
        figure({
          id: `quality-${profile}`,
          name: `control quality, ${profile} (${plan.qualityDays} d)`,
          value: ours.timeInBandPct,
          unit: '% in ±1 °C',
          reference: { name: 'plain on/off thermostat, same band', value: plain.timeInBandPct, unit: '% in ±1 °C' },
          target: 'time within ±1 °C no more than 0.5 points below the plain thermostat on the same band',
          targetSpec: { op: '>=', limit: -0.5, of: 'value - reference' },
          method: `runSimulation from dist/ (as \`terrarium simulate\`, test/bench/child-quality.mjs), ${plan.qualityDays} simulated days each, the reference enclosure of the profile (test/bench/configs.ts). Ours: the shipped heater control. Plain: the same configuration with the heater's minimum on/off times 0 and no time-proportioning, i.e. on below setpoint - hysteresis/2, off above setpoint + hysteresis/2 on the profile's own band, so only the control law differs. Time within ±1 °C of the active setpoint and RMS error of the TRUE air temperature after the warm-up (the report's figures); heater cycles per hour from the simulated relay. Target: ours no more than 0.5 points of time in band below plain, and the cycles and RMS are in the note.${plan.quick ? ` QUICK MODE: ${plan.qualityDays} day(s), not 7.` : ''}`,
          note: `ours: RMS ${ours.rmsErrorC.toFixed(2)} °C, ${ours.heaterCyclesPerHour.toFixed(2)} heater cycles/h, worst +${ours.maxAboveC.toFixed(2)}/-${ours.maxBelowC.toFixed(2)} °C; plain: RMS ${plain.rmsErrorC.toFixed(2)} °C, ${plain.heaterCyclesPerHour.toFixed(2)} cycles/h, worst +${plain.maxAboveC.toFixed(2)}/-${plain.maxBelowC.toFixed(2)} °C.`,
          details: { ours, plain },
        }),
      );
    } catch (e) {
      out.push(failedFigure(`quality-${profile}`, `control quality, ${profile}`, 'time within ±1 °C >= plain thermostat on the same band', e));
    }
  }
  return out;
}
