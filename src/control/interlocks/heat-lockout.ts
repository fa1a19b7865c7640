import type { EnclosureConfig } from '../../config/load.js';
import { HEAT_LOCKOUT_KINDS } from '../faults.js';
import type { Fault, OutputCommand, OutputPlan } from '../types.js';
import type { Restriction } from './types.js';

/**
 * Heat lockout and the cutoff relay (mode `safe` = latched fault, heat off, waits for an
 * acknowledgement). While any latched fault of {@link HEAT_LOCKOUT_KINDS} is active:
 * - every heater is off, whatever the plan says;
 * - every `cutoff` output (master relay that cuts all heat, `CutoffSchema`) is driven OFF, which
 *   removes power even from a heater whose own relay is welded.
 * Otherwise a cutoff keeps the plan's command, or is added ON (its conducting, normal state) when
 * the plan does not mention it.
 */

/** Restrictions for every heater while heat is locked out (empty otherwise). */
export function heatLockoutRestrictions(enc: EnclosureConfig, latched: readonly Fault[]): Restriction[] {
  const cause = latched.find((f) => HEAT_LOCKOUT_KINDS.includes(f.kind));
  if (!cause) return [];
  const reason = `heat lockout: latched ${cause.kind} (${cause.component}); acknowledge to resume`;
  return enc.actuators.filter((a) => a.kind === 'heater').map((a) => ({ id: a.id, reason }));
}

/** The command of every cutoff output given the lockout. */
export function cutoffCommands(enc: EnclosureConfig, plan: OutputPlan, lockout: boolean): Record<string, OutputCommand> {
  const out: Record<string, OutputCommand> = {};
  for (const a of enc.actuators) {
    if (a.kind !== 'cutoff') continue;
    if (lockout) out[a.id] = { on: false, reason: 'heat lockout: master cutoff open' };
    else out[a.id] = plan[a.id] ? { ...plan[a.id] } : { on: true, reason: 'cutoff closed (normal)' };
  }
  return out;
}
