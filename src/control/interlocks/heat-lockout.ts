import type { HeaterConfig } from '../../config/enclosure-schema.js';
import type { EnclosureConfig } from '../../config/load.js';
import { HEAT_LOCKOUT_KINDS } from '../faults.js';
import { FROST_OFF_ABOVE_MIN_C, isFrostReason } from '../frost.js';
import type { Fault, Measurements, OutputCommand, OutputPlan } from '../types.js';
import { OVER_TEMP_RELEASE_C } from './over-temperature.js';
import { allTemperatures, fmtC, sensorTemperature } from './readings.js';
import type { Restriction } from './types.js';

/**
 * Heat lockout and the cutoff relay (mode `safe` = latched fault, waits for an acknowledgement).
 * While any latched fault of {@link HEAT_LOCKOUT_KINDS} is active:
 * - every heater is off, except a frost-protection command of the planner (frost.ts) that passes
 *   {@link frostRefusal}: the air is not warm enough anywhere in the enclosure and the heater's
 *   limit probe, if it has one, reads trustworthy and below its limit;
 * - every `cutoff` output (master relay in series with all heat, `CutoffSchema`) is OFF (no power,
 *   even through a welded heater relay), except while a frost heater runs and every limit probe of
 *   the enclosure is trustworthy and below its limit: then the cutoff is the switch of the frost
 *   heat (a welded heater relay cannot switch; the cutoff in series can).
 * Otherwise a cutoff keeps the plan's command, or is added ON (its conducting, normal state) when
 * the plan does not mention it.
 */

/** Restrictions for every heater while heat is locked out (empty otherwise). */
export function heatLockoutRestrictions(enc: EnclosureConfig, latched: readonly Fault[], plan: OutputPlan, m: Measurements): Restriction[] {
  const cause = latched.find((f) => HEAT_LOCKOUT_KINDS.includes(f.kind));
  if (!cause) return [];
  const reason = `heat lockout: latched ${cause.kind} (${cause.component}); acknowledge to resume`;
  const out: Restriction[] = [];
  for (const h of heaters(enc)) {
    const cmd = plan[h.id];
    if (cmd?.on && isFrostReason(cmd.reason)) {
      const refused = frostRefusal(enc, h, m);
      if (refused) out.push({ id: h.id, reason: `${reason}; ${refused}` });
    } else out.push({ id: h.id, reason });
  }
  return out;
}

/**
 * Why frost heat of `heater` is not allowed now, or null: some air sensor (not a limit probe)
 * already reads at least `minC + FROST_OFF_ABOVE_MIN_C` (the control sensor may be displaced), or
 * its limit probe is unknown or near its limit.
 */
export function frostRefusal(enc: EnclosureConfig, heater: HeaterConfig, m: Measurements): string | null {
  const limits = limitProbes(enc);
  const warmEnough = enc.climate.safety.minC + FROST_OFF_ABOVE_MIN_C;
  const warm = allTemperatures(m).find((p) => !limits.has(p.sensorId) && p.valueC >= warmEnough);
  if (warm) return `frost protection not needed: ${warm.sensorId} at ${fmtC(warm.valueC)}`;
  return limitRefusal(heater, m);
}

/** Why the limit probe of `heater` forbids heat, or null (no limit probe, or trustworthy and below `maxC - release`). */
function limitRefusal(heater: HeaterConfig, m: Measurements): string | null {
  if (!heater.limit) return null;
  const p = sensorTemperature(m, heater.limit.sensor);
  if (p === null) return `frost protection refused: limit probe ${heater.limit.sensor} has no trustworthy reading`;
  if (p.valueC >= heater.limit.maxC - OVER_TEMP_RELEASE_C) return `frost protection refused: limit probe ${p.sensorId} at ${fmtC(p.valueC)}`;
  return null;
}

/**
 * The command of every cutoff output given the lockout and the (restricted) outputs: under
 * lockout closed only while a frost heater is on and no limit probe of the enclosure objects.
 */
export function cutoffCommands(enc: EnclosureConfig, outputs: OutputPlan, lockout: boolean, m: Measurements): Record<string, OutputCommand> {
  const out: Record<string, OutputCommand> = {};
  const cutoffs = enc.actuators.filter((a) => a.kind === 'cutoff');
  if (cutoffs.length === 0) return out;
  let frost: string | null = null;
  if (lockout) {
    const hs = heaters(enc);
    const heating = hs.find((h) => outputs[h.id]?.on && isFrostReason(outputs[h.id].reason));
    if (heating && hs.every((h) => limitRefusal(h, m) === null)) frost = heating.id;
  }
  for (const a of cutoffs) {
    if (lockout) out[a.id] = frost ? { on: true, reason: `frost protection: cutoff closed while ${frost} holds the minimum temperature` } : { on: false, reason: 'heat lockout: master cutoff open' };
    else out[a.id] = outputs[a.id] ? { ...outputs[a.id] } : { on: true, reason: 'cutoff closed (normal)' };
  }
  return out;
}

function heaters(enc: EnclosureConfig): HeaterConfig[] {
  return enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater');
}

function limitProbes(enc: EnclosureConfig): Set<string> {
  return new Set(heaters(enc).flatMap((h) => (h.limit ? [h.limit.sensor] : [])));
}
