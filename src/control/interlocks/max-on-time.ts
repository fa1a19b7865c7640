import type { ActuatorConfig } from '../../config/enclosure-schema.js';
import type { EnclosureConfig } from '../../config/load.js';
import { makeFault } from '../faults.js';
import type { Fault } from '../types.js';
import { appliedOn, type InterlockOutcome, plannedOn, type Restriction, type TickInput } from './types.js';

/**
 * Maximum continuous on-time per actuator, then a forced rest (TerrariumPI
 * `power_on_time`). Continuous on-time is measured from the applied state in
 * guard time (monotonic, restart-safe). When it reaches the limit while the plan still wants the
 * output on, the output is forced off for a rest and a non-latched `max-on-time` fault is raised
 * for the rest's duration; afterwards the plan may turn it on again.
 *
 * | actuator        | limit                                  | rest                                  |
 * |-----------------|----------------------------------------|---------------------------------------|
 * | heater          | `maxOnMinutes` (default 180)           | `minOffSeconds` (relay-wear minimum)  |
 * | fan             | `maxOnMinutes` (default 30)            | {@link FAN_REST_MS}                   |
 * | mister, fogger  | `climate.humidity.maxPulseSeconds`     | `climate.humidity.minIntervalMinutes` |
 *
 * Lights and the cutoff have no limit (a photoperiod is long by design; the cutoff conducts normally).
 */

/** Rest after a fan hit its maximum on-time, ms (5 min: the schema has no fan minimum off-time). */
export const FAN_REST_MS = 5 * 60_000;

/** Limit and rest of one actuator, ms; `null` when it has none. */
export function onTimeLimits(a: ActuatorConfig, enc: EnclosureConfig): { maxOnMs: number; restMs: number } | null {
  switch (a.kind) {
    case 'heater':
      return { maxOnMs: a.maxOnMinutes * 60_000, restMs: a.minOffSeconds * 1000 };
    case 'fan':
      return { maxOnMs: a.maxOnMinutes * 60_000, restMs: FAN_REST_MS };
    case 'mister':
    case 'fogger':
      return { maxOnMs: enc.climate.humidity.maxPulseSeconds * 1000, restMs: enc.climate.humidity.minIntervalMinutes * 60_000 };
    default:
      return null;
  }
}

/** On-time counter of one actuator. */
export interface OnTimeState {
  /** Continuous applied on-time, ms. */
  onMs: number;
  /** Guard time until which the actuator is held off after tripping, or null. */
  restUntil: number | null;
}

export interface MaxOnTimeState {
  actuators: Record<string, OnTimeState>;
}

export function initialMaxOnTimeState(): MaxOnTimeState {
  return { actuators: {} };
}

/** Evaluates every limited actuator for this tick. */
export function evaluateMaxOnTime(input: TickInput, prev: MaxOnTimeState): InterlockOutcome<MaxOnTimeState> {
  const { enc, plan, ctx, t, dt } = input;
  const actuators: Record<string, OnTimeState> = {};
  const off: Restriction[] = [];
  const faults: Fault[] = [];
  for (const a of enc.actuators) {
    const lim = onTimeLimits(a, enc);
    if (!lim) continue;
    const before = prev.actuators[a.id] ?? { onMs: 0, restUntil: null };
    const s: OnTimeState = {
      onMs: appliedOn(ctx, a.id) ? before.onMs + dt : 0,
      restUntil: before.restUntil !== null && t < before.restUntil ? before.restUntil : null,
    };
    if (s.restUntil === null && plannedOn(plan, a.id) && s.onMs >= lim.maxOnMs) s.restUntil = t + lim.restMs;
    actuators[a.id] = s;
    if (s.restUntil === null) continue;
    const restMin = Math.ceil((s.restUntil - t) / 60_000);
    off.push({ id: a.id, reason: `maximum on-time ${fmtDuration(lim.maxOnMs)} reached: resting ${restMin} min` });
    faults.push(makeFault('max-on-time', a.id, ctx.now, false, `${a.id} reached its maximum continuous on-time (${fmtDuration(lim.maxOnMs)}); rest ${fmtDuration(lim.restMs)}`));
  }
  return { state: { actuators }, off, faults, latch: [] };
}

function fmtDuration(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
