import { makeFault } from '../faults.js';
import type { Fault } from '../types.js';
import type { InterlockOutcome, Restriction, TickInput } from './types.js';

/**
 * Water-level interlock for misters and foggers (the water level
 * was never checked before misting). With a float switch configured (`enc.waterLevel`), every
 * mister/fogger is off while the reservoir reads empty (`waterLow === true`) OR the switch cannot
 * be read (`undefined`, fail safe: a pump running dry is damaged, an ultrasonic disc burns out), and
 * a non-latched `water-low` fault is raised per mister so the keeper refills.
 *
 * Decision: without a float switch in the configuration there is nothing to know, so misters are
 * not restricted here (treating "no switch" as "unknown" would make a mister without a reservoir
 * switch unusable); `terrarium check` should warn about such builds.
 */

/** Stateless; the type keeps the interlock signature uniform. */
export type WaterLevelState = Record<string, never>;

/** Evaluates the interlock for this tick. */
export function evaluateWaterLevel(input: TickInput): InterlockOutcome<WaterLevelState> {
  const { enc, ctx } = input;
  const off: Restriction[] = [];
  const faults: Fault[] = [];
  if (enc.waterLevel && ctx.waterLow !== false) {
    const what = ctx.waterLow === true ? 'reservoir empty' : 'water level unknown (float switch not read)';
    for (const a of enc.actuators) {
      if (a.kind !== 'mister' && a.kind !== 'fogger') continue;
      off.push({ id: a.id, reason: `water interlock: ${what}` });
      faults.push(makeFault('water-low', a.id, ctx.now, false, `${a.id}: ${what}`));
    }
  }
  return { state: {}, off, faults, latch: [] };
}
