import { performance } from 'node:perf_hooks';
import { runSimulation } from '../../simulators/run-simulation.js';
import { plainThermostat, REFERENCE_ENCLOSURES, simulatedRaw, toConfig } from './configs.js';

/**
 * Child entry of the control-quality figure: one reference enclosure (`profile`), controlled by
 * our controller (`ours`) or by the plain on/off thermostat configuration (`plain`, see
 * `plainThermostat`), for `days` simulated days through `runSimulation` (the same path as
 * `terrarium simulate`). Prints the report's figures for the enclosure: time within ±1 °C of the
 * active setpoint and RMS error against the true air temperature, heater cycles per hour, after
 * the warm-up (the report starts counting once the air first reaches the band).
 */
const [profile, variant, daysArg] = process.argv.slice(2);
const make = REFERENCE_ENCLOSURES[profile as keyof typeof REFERENCE_ENCLOSURES];
if (!make || (variant !== 'ours' && variant !== 'plain')) throw new Error(`usage: child-quality <${Object.keys(REFERENCE_ENCLOSURES).join('|')}> <ours|plain> <days>`);
const days = Number(daysArg ?? 7);
const raw = simulatedRaw();
const enc = make(raw);
const config = toConfig({ ...raw, enclosures: [variant === 'plain' ? plainThermostat(enc) : enc] });
const t0 = performance.now();
const result = await runSimulation({ config, days });
const wallSeconds = (performance.now() - t0) / 1000;
const e = result.report.enclosures[0];
const heater = Object.values(e.actuators).find((a) => a.kind === 'heater');
process.stdout.write(
  `${JSON.stringify({
    profile,
    variant,
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
    ticks: result.ticks,
    wallSeconds,
  })}\n`,
);
