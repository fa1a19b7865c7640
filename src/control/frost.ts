import type { OutputCommand } from './types.js';

/**
 * Frost protection while heat is locked out: a latched heat fault (stuck relay, heater that gives
 * no heat, runaway, repeated over-temperature) turns the normal thermostat off until a person
 * acknowledges, but the animal must not be left below the profile's `climate.safety.minC` while a
 * heat path is still controllable. In `safe` mode the planner therefore gives every heater a frost
 * thermostat that holds the enclosure just above the minimum instead of the setpoint: on below
 * `minC + FROST_ON_ABOVE_MIN_C`, off at `minC + FROST_OFF_ABOVE_MIN_C`. The guard lets exactly
 * these commands through the heat lockout (heat-lockout.ts), checks them against every air
 * reading (a displaced probe reading cold cannot drive them) and the heater's limit probe, and
 * closes the `cutoff` relay only while one of them heats, so a heater whose own relay is welded is
 * switched by the cutoff in series. The over-temperature cutoff and the limit probes stay in force.
 *
 * Same idea as the frost-protection preset of Home Assistant's Versatile Thermostat (a safety
 * preset that holds a minimum temperature whatever else is going on) and Marlin's cold-extrusion
 * floor: a minimum that the safety logic keeps, not the comfort target.
 */

/** Frost heat starts when the air is below `minC` plus this, °C. */
export const FROST_ON_ABOVE_MIN_C = 0.5;
/** Frost heat stops when the air reaches `minC` plus this, °C (1 °C band: few cycles of a suspect heat path). */
export const FROST_OFF_ABOVE_MIN_C = 1.5;

/** Reason prefix of a frost-protection command: the contract between planner and guard. */
const FROST = 'frost protection';

/** True when a heater command comes from the frost thermostat. */
export function isFrostReason(reason: string): boolean {
  return reason.startsWith(FROST);
}

/**
 * The frost thermostat of one heater.
 * @param tempC its control temperature, °C, or null when none is trustworthy (never heats then)
 * @param wasOn whether it was on at the previous tick (hysteresis)
 * @param minC the profile's `climate.safety.minC`, °C
 */
export function frostCommand(tempC: number | null, wasOn: boolean, minC: number): OutputCommand {
  if (tempC === null) return { on: false, reason: `${FROST}: no trustworthy temperature, heat stays off` };
  const on = wasOn ? tempC < minC + FROST_OFF_ABOVE_MIN_C : tempC < minC + FROST_ON_ABOVE_MIN_C;
  const fmt = (v: number) => `${v.toFixed(1)} °C`;
  return on
    ? { on: true, reason: `${FROST}: ${fmt(tempC)} near the ${fmt(minC)} minimum, heating to ${fmt(minC + FROST_OFF_ABOVE_MIN_C)} while heat is locked out` }
    : { on: false, reason: `${FROST}: ${fmt(tempC)}, heat locked out (holds ${fmt(minC + FROST_ON_ABOVE_MIN_C)} at least)` };
}
