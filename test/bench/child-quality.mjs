// Child of the control-quality figure (`node test/bench/child-quality.mjs <config> <days>`): one
// enclosure through runSimulation (as `terrarium simulate`). Prints the report's temperature
// figures for it: time within ±1 °C of the active setpoint and RMS error of the TRUE air
// temperature, worst excursions, heater cycles per hour and on-time, after the warm-up.
import { loadConfigFile, result, runSimulationFn } from './dist-rig.mjs';

const [file, daysArg] = process.argv.slice(2);
const days = Number(daysArg);
const runSimulation = await runSimulationFn();
const r = await runSimulation({ config: await loadConfigFile(file), days });
const e = r.report.enclosures[0];
const heater = Object.values(e.actuators).find((a) => a.kind === 'heater');
result({
  days,
  timeInBandPct: e.temperature.timeInBandPct,
  rmsErrorC: e.temperature.rmsError,
  maxAboveC: e.temperature.maxAbove,
  maxBelowC: e.temperature.maxBelow,
  heaterCyclesPerHour: heater?.cyclesPerHour ?? 0,
  heaterOnTimePct: heater?.onTimePct ?? 0,
  warmUpSeconds: e.warmUpSeconds,
  faults: e.faults.length,
  safetyViolations: e.safetyViolations.length,
  ticks: r.ticks,
});
