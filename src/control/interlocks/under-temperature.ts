import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import type { Fault } from '../types.js';
import { allTemperatures, fmtC } from './readings.js';
import type { InterlockOutcome, TickInput } from './types.js';

/**
 * Under-temperature alarm at the profile's absolute `climate.safety.minC`.
 *
 * It raises a non-latched `under-temperature` fault per sensor (air or probe; heater `limit` probes
 * excluded, they sit on the heat source) and NEVER restricts an output: a cold reading never turns
 * heat off. This is the gap alimante shipped (a critical low temperature
 * triggered a global emergency stop that cut the heater).
 * The alarm clears once the sensor is back above `minC + UNDER_TEMP_RELEASE_C`, or when the sensor
 * stops being trustworthy (its own `sensor-*` fault then says why).
 */

/** Release margin above the limit, °C (no alarm chatter on sensor noise). */
export const UNDER_TEMP_RELEASE_C = 0.5;

export interface UnderTemperatureState {
  /** Sensors currently in alarm. */
  cold: string[];
}

export function initialUnderTemperatureState(): UnderTemperatureState {
  return { cold: [] };
}

/** Evaluates the alarm; `off` is always empty by construction. */
export function evaluateUnderTemperature(input: TickInput, prev: UnderTemperatureState): InterlockOutcome<UnderTemperatureState> {
  const { enc, m, ctx } = input;
  const minC = enc.climate.safety.minC;
  const limitProbes = new Set(
    enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater').flatMap((h) => (h.limit ? [h.limit.sensor] : [])),
  );
  const faults: Fault[] = [];
  const cold: string[] = [];
  for (const p of allTemperatures(m)) {
    if (limitProbes.has(p.sensorId)) continue;
    const wasCold = prev.cold.includes(p.sensorId);
    if (p.valueC < minC || (wasCold && p.valueC < minC + UNDER_TEMP_RELEASE_C)) {
      cold.push(p.sensorId);
      faults.push(makeFault('under-temperature', p.sensorId, ctx.now, false, `${p.sensorId} at ${fmtC(p.valueC)} below safety.minC ${fmtC(minC)}`));
    }
  }
  return { state: { cold }, off: [], faults, latch: [] };
}
