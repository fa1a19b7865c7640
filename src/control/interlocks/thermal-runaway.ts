import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import { initialRunawayState, type RunawayState, runawayParams, stepRunaway } from '../runaway.js';
import type { Fault } from '../types.js';
import { allTemperatures, heaterTemperature } from './readings.js';
import { appliedOn, type InterlockOutcome, type Restriction, type TickInput } from './types.js';

/**
 * Thermal-runaway interlock: runs the per-heater detector of `runaway.ts` (Marlin heating watch and
 * holding check) on the heater's control temperature and its applied state. A latching verdict
 * latches `heater-no-heat` or `thermal-runaway` for that heater and turns it off at once; the latch
 * then locks out all heat (`heatLockout`) until acknowledged (Marlin: `_temp_error`, all heaters
 * off, reset required). A holding-check drop that another enclosure sensor confirms (real cold) is
 * raised as a non-latched `heater-no-heat` and restricts nothing.
 */

export interface ThermalRunawayState {
  /** Detector state by heater id. */
  heaters: Record<string, RunawayState>;
}

export function initialThermalRunawayState(): ThermalRunawayState {
  return { heaters: {} };
}

/** Evaluates every heater's runaway detector for this tick. */
export function evaluateThermalRunaway(input: TickInput, prev: ThermalRunawayState): InterlockOutcome<ThermalRunawayState> {
  const { enc, m, ctx, t } = input;
  const heaters = enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater');
  const limitProbes = new Set(heaters.flatMap((h) => (h.limit ? [h.limit.sensor] : [])));
  const all = allTemperatures(m).filter((p) => !limitProbes.has(p.sensorId));
  const next: Record<string, RunawayState> = {};
  const off: Restriction[] = [];
  const faults: Fault[] = [];
  const latch: Fault[] = [];
  for (const h of heaters) {
    const temperature = heaterTemperature(h, m);
    const { state, verdict } = stepRunaway(runawayParams(h), prev.heaters[h.id] ?? initialRunawayState(), {
      t,
      heaterOn: appliedOn(ctx, h.id),
      temperature,
      otherTemperaturesC: all.filter((p) => p.sensorId !== temperature?.sensorId).map((p) => p.valueC),
      setpointC: ctx.setpointC,
      hysteresisC: ctx.hysteresisC,
    });
    next[h.id] = state;
    if (verdict.ok) {
      if (verdict.holdOff) off.push({ id: h.id, reason: verdict.holdOff });
      continue;
    }
    const fault = makeFault(verdict.kind, h.id, ctx.now, verdict.latch, `heater ${h.id}: ${verdict.message}`);
    if (verdict.latch) {
      off.push({ id: h.id, reason: `${verdict.kind}: ${verdict.message}` });
      latch.push(fault);
    } else faults.push(fault);
  }
  return { state: { heaters: next }, off, faults, latch };
}
