import type { EnclosureConfig } from '../../config/load.js';
import type { Fault, Measurements, OutputPlan } from '../types.js';

/**
 * What the guard knows about the tick beyond the plan and the measurements. Times are ms; `now` is
 * wall time (may jump), `mono` monotonic (never goes backwards within one process).
 */
export interface GuardContext {
  /** Wall ms; stamps faults and events. */
  now: number;
  /** Monotonic ms; every duration the guard measures (watch periods, on-time) comes from it. */
  mono: number;
  /** Float switch of the mister reservoir: `true` empty, `false` water present, `undefined` unknown (read failed). */
  waterLow: boolean | undefined;
  /** What each output actually is (last applied / verified), by actuator id; a missing id counts as off. */
  applied: Record<string, boolean>;
  /** Active air setpoint after season and operator override, °C (the one the thermostat aims at). */
  setpointC: number;
  /** Active hysteresis band width, °C (heat on below setpoint - h/2, off above setpoint + h/2). */
  hysteresisC: number;
  /** True when the day fallback duty (`climate.fallback.heaterDutyDayPct`) applies, false for the night one. */
  daytime: boolean;
  /**
   * Heat sources other than the heaters that the enclosure model says are warming the air now,
   * named for messages (`sun`, `warm room`, `light lights`). The seam where the model's
   * explanation sharpens the stuck-relay check: while it names any, the air-based "still rising"
   * rule waits (stuck-relay.ts). Absent: only lights that are on count, and only for heat mats.
   * Never loosens a hard limit (maxC, limit probes, the over-temperature cutoff).
   */
  otherHeat?: string[];
}

/** Lights applied on, named as other heat sources. */
export function otherHeatSources(enc: EnclosureConfig, ctx: GuardContext): string[] {
  return enc.actuators.filter((a) => a.kind === 'light' && appliedOn(ctx, a.id)).map((a) => `light ${a.id}`);
}

/**
 * One guard tick as each interlock sees it. `t` is guard time: monotonic ms accumulated across
 * restarts (it pauses while the controller is down), so persisted timers survive a reboot and never
 * follow a wall-clock jump.
 */
export interface TickInput {
  enc: EnclosureConfig;
  m: Measurements;
  /** The planner's plan, unrestricted. */
  plan: OutputPlan;
  ctx: GuardContext;
  /** Guard time, ms. */
  t: number;
  /** Guard time since the previous tick, ms (0 on the first tick after a restart). */
  dt: number;
}

/** An output the interlock forces off this tick, with the reason shown in the snapshot. */
export interface Restriction {
  id: string;
  reason: string;
}

/**
 * What one interlock decided: its next state, outputs to force off, faults active this tick
 * (non-latched) and faults to latch (kept until acknowledged).
 */
export interface InterlockOutcome<S> {
  state: S;
  off: Restriction[];
  faults: Fault[];
  latch: Fault[];
}

/** True when the plan wants `id` on. */
export function plannedOn(plan: OutputPlan, id: string): boolean {
  return plan[id]?.on === true;
}

/** True when the output is actually on (missing = off). */
export function appliedOn(ctx: GuardContext, id: string): boolean {
  return ctx.applied[id] === true;
}
