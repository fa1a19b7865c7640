import { HEAT_LOCKOUT_KINDS } from '../control/faults.js';
import type { EnclosureMode, Fault } from '../control/types.js';
import type { ComponentHealth } from '../resilience/health-types.js';

/** What the enclosure mode is derived from; nothing else sets it. */
export interface ModeInputs {
  /** The operator's choice (CLI/MQTT): `auto` or `manual`. */
  operatorMode: 'auto' | 'manual';
  /** Active faults from the guard and the supervisor. */
  faults: readonly Fault[];
  /** Health of the enclosure's components. */
  health: readonly ComponentHealth[];
  /** True when any output runs on a fallback rule (fallback duty, secondary probe, timed misting). */
  fallbackActive: boolean;
}

/**
 * Derives the enclosure mode: a latched heat fault (runaway, no heat, stuck relay,
 * repeated over-temperature) -> `safe` (heat off, waits for an acknowledgement) whatever the
 * operator chose; then the operator's `manual`; then `degraded` when a fallback is active, a
 * component has failed, or a component is latched for a person (`component-failed`: its
 * function runs on the fallback rule, which keeps the animal warmer than `safe` would);
 * else `normal`. A component that is only `degraded` (delivering, but needing retries, or
 * recovering) does not change the mode: at a 1 % I2C error rate the mode would otherwise flap
 * every few seconds while nothing the animal depends on is impaired.
 * Pure; called every tick, so the mode returns to `normal` by itself when health recovers.
 */
export function deriveMode(i: ModeInputs): EnclosureMode {
  if (i.faults.some((f) => f.latched && HEAT_LOCKOUT_KINDS.includes(f.kind))) return 'safe';
  if (i.operatorMode === 'manual') return 'manual';
  if (i.fallbackActive || i.faults.some((f) => f.latched)) return 'degraded';
  if (i.health.some((h) => h.status === 'failed')) return 'degraded';
  return 'normal';
}
