import type { EnclosureConfig } from '../config/load.js';
import { type ClockWatchState, type ClockWatchVerdict, initialClockWatchState, stepClockWatch, trustClock } from './clock-watch.js';
import { isFrostReason } from './frost.js';
import { acknowledge, activeFaults, carryOver, faultEvents, faultKey, hasHeatLockout, latchFaults, makeFault } from './faults.js';
import { cutoffCommands, heatLockoutRestrictions } from './interlocks/heat-lockout.js';
import { evaluateMaxOnTime, initialMaxOnTimeState, type MaxOnTimeState } from './interlocks/max-on-time.js';
import { evaluateOverTemperature, initialOverTemperatureState, type OverTemperatureState } from './interlocks/over-temperature.js';
import { evaluateSensorFallback, initialSensorFallbackState, type SensorFallbackState } from './interlocks/sensor-fallback.js';
import { evaluateStuckRelay, initialStuckRelayState, type StuckRelayState } from './interlocks/stuck-relay.js';
import { evaluateThermalRunaway, initialThermalRunawayState, type ThermalRunawayState } from './interlocks/thermal-runaway.js';
import type { GuardContext, InterlockOutcome, Restriction, TickInput } from './interlocks/types.js';
import { evaluateUnderTemperature, initialUnderTemperatureState, type UnderTemperatureState } from './interlocks/under-temperature.js';
import { evaluateWaterLevel } from './interlocks/water-level.js';
import { evaluateWearLimits, initialWearState, type WearState } from './interlocks/wear-limits.js';
import type { ControlEvent, Fault, FaultKind, Measurements, OutputPlan } from './types.js';

export type { GuardContext } from './interlocks/types.js';
export { isFallbackReason } from './interlocks/sensor-fallback.js';

/**
 * The guard: safety interlocks that may only restrict the
 * plan: turn outputs off, hold them off, or latch a fault. It never turns on an output the plan had
 * off; the one exception is a `cutoff` relay missing from the plan, added ON (conducting, normal)
 * when nothing is wrong, and driven OFF (removing power) under heat lockout.
 *
 * State is plain JSON. The app persists it so latched faults survive restarts until acknowledged;
 * after loading it from disk call {@link resumeGuardState}.
 */
export interface GuardState {
  version: 1;
  /** Guard time, ms: monotonic time accumulated over every run of the controller. */
  elapsedMs: number;
  /** `ctx.mono` of the previous tick; `null` before the first tick of a process. */
  lastMono: number | null;
  /** Latched faults, until acknowledged. */
  latched: Fault[];
  /** Non-latched faults active at the previous tick (for raised/cleared events and raise times). */
  transient: Fault[];
  overTemperature: OverTemperatureState;
  underTemperature: UnderTemperatureState;
  sensorFallback: SensorFallbackState;
  /** Runaway watch state per heater. */
  runaway: ThermalRunawayState;
  stuckRelay: StuckRelayState;
  /** On-time counters per actuator. */
  onTime: MaxOnTimeState;
  /** Switching history for the wear and dosing limits (absent in state files written before them). */
  wear?: WearState;
  /** Wall ms of the last acknowledgement, `null` if none. */
  lastAcknowledgedAt: number | null;
  /** Wall clock against monotonic time (clock-watch.ts); absent in states saved by older versions. */
  clock?: ClockWatchState;
  /** Frost protection heated at the previous tick (for one notice per start and stop). */
  frostOn?: boolean;
}

export function initialGuardState(): GuardState {
  return {
    version: 1,
    elapsedMs: 0,
    lastMono: null,
    latched: [],
    transient: [],
    overTemperature: initialOverTemperatureState(),
    underTemperature: initialUnderTemperatureState(),
    sensorFallback: initialSensorFallbackState(),
    runaway: initialThermalRunawayState(),
    stuckRelay: initialStuckRelayState(),
    onTime: initialMaxOnTimeState(),
    wear: initialWearState(),
    lastAcknowledgedAt: null,
    clock: initialClockWatchState(),
  };
}

/**
 * A gap between two ticks of one process at least this long is a stall of the control loop,
 * latched as `tick-overrun` until acknowledged, ms (2 min: a tick is 1 s; a slow sensor transfer
 * times out in seconds; two minutes without control is a hang, not a slow tick).
 */
export const TICK_STALL_FAULT_MS = 2 * 60_000;

/** Prepares a state loaded from disk for a new process: the monotonic origin changed, the gap counts as 0. */
export function resumeGuardState(state: GuardState): GuardState {
  return { ...state, lastMono: null };
}

export interface GuardResult {
  /** The restricted plan; may add the cutoff output. */
  outputs: OutputPlan;
  state: GuardState;
  /** Every active fault, latched first. */
  faults: Fault[];
  /** Faults raised or cleared at this tick. */
  events: ControlEvent[];
  /** A latched heat fault holds every heater off (and the cutoff open). */
  heatLockout: boolean;
  /**
   * The wall clock at this tick: a step to shift wall-stamped records by (`stepMs`, 0 when none)
   * and whether it is trusted (no scheduled feed while not).
   */
  clock: ClockWatchVerdict;
}

/**
 * Runs every interlock for one enclosure tick and restricts the plan.
 * @param enc the enclosure (profile merged)
 * @param m this tick's measurements
 * @param plan the planner's desired outputs
 * @param state the previous guard state (from {@link initialGuardState} or the last result)
 * @param ctx wall and monotonic time, float switch, applied outputs, active setpoint
 */
export function guardEnclosure(enc: EnclosureConfig, m: Measurements, plan: OutputPlan, state: GuardState, ctx: GuardContext): GuardResult {
  const dt = state.lastMono === null || ctx.mono < state.lastMono ? 0 : ctx.mono - state.lastMono;
  const t = state.elapsedMs + dt;
  const input: TickInput = { enc, m, plan, ctx, t, dt };
  const clock = stepClockWatch(state.clock ?? initialClockWatchState(), ctx.now, state.lastMono === null || ctx.mono < state.lastMono ? null : dt);

  const over = evaluateOverTemperature(input, state.overTemperature);
  const under = evaluateUnderTemperature(input, state.underTemperature);
  const stuck = evaluateStuckRelay(input, state.stuckRelay);
  const runaway = evaluateThermalRunaway(input, state.runaway);
  const sensors = evaluateSensorFallback(input, state.sensorFallback);
  const onTime = evaluateMaxOnTime(input, state.onTime);
  const water = evaluateWaterLevel(input);
  const wear = evaluateWearLimits(input, state.wear);
  // Severity order: the first restriction of an output gives its reason.
  const outcomes = [over, stuck, runaway, sensors, onTime, water, under, wear];

  const stall = dt >= TICK_STALL_FAULT_MS ? [makeFault('tick-overrun', 'controller', ctx.now, true, `no control tick for ${Math.round(dt / 60_000)} min (the controller hung or was blocked): outputs were left as they were`)] : [];
  const latched = latchFaults(state.latched, [...collect(outcomes, (o) => o.latch), ...stall]);
  const heatLockout = hasHeatLockout(latched);
  const restrictions = [...heatLockoutRestrictions(enc, latched, plan, m), ...collect(outcomes, (o) => o.off)];
  const restricted = restrict(plan, restrictions);
  const outputs = Object.assign(restricted, cutoffCommands(enc, restricted, heatLockout, m));
  const frostOn = heatLockout && Object.values(outputs).some((c) => c.on && isFrostReason(c.reason));

  const clockFaults = clock.verdict.trusted ? [] : [untrustedClockFault(clock.state, ctx.now)];
  const transient = carryOver(state.transient, [...collect(outcomes, (o) => o.faults), ...clockFaults]);
  const faults = activeFaults(latched, transient);
  const events = faultEvents(activeFaults(state.latched, state.transient), faults, ctx.now);
  if (frostOn && !state.frostOn) events.push({ type: 'notice', message: `frost protection: heat locked out, the enclosure is near its ${enc.climate.safety.minC} °C minimum; heating it through the paths still controllable (${frostPaths(outputs)})`, at: ctx.now });
  if (!frostOn && state.frostOn) events.push({ type: 'notice', message: 'frost protection: off', at: ctx.now });

  const next: GuardState = {
    ...state,
    elapsedMs: t,
    lastMono: ctx.mono,
    latched,
    transient,
    overTemperature: over.state,
    underTemperature: under.state,
    sensorFallback: sensors.state,
    runaway: runaway.state,
    stuckRelay: stuck.state,
    onTime: onTime.state,
    clock: clock.state,
    wear: wear.state,
    frostOn,
  };
  return { outputs, state: next, faults, events, heatLockout, clock: clock.verdict };
}

/** The outputs frost protection drives on, for the keeper's notice. */
function frostPaths(outputs: OutputPlan): string {
  return Object.entries(outputs)
    .filter(([, c]) => c.on && isFrostReason(c.reason))
    .map(([id]) => id)
    .join(', ');
}

/** The non-latched `clock-implausible` fault while the wall clock is behind a time already seen. */
function untrustedClockFault(c: ClockWatchState, now: number): ReturnType<typeof makeFault> {
  const behindMin = c.behindUntil === null ? 0 : Math.round((c.behindUntil - now) / 60_000);
  const until = c.behindUntil === null ? '' : new Date(c.behindUntil).toISOString();
  return makeFault('clock-implausible', 'clock', now, false, `wall clock went back: at least ${behindMin} min behind a time already seen; scheduled feeding paused until it reads ${until} (time synchronised) or a person acknowledges`);
}

/** `outcomes.flatMap(pick)` as a plain loop (runs every tick; the lists are usually all empty). */
function collect<T>(outcomes: ReadonlyArray<InterlockOutcome<unknown>>, pick: (o: InterlockOutcome<unknown>) => readonly T[]): T[] {
  const out: T[] = [];
  for (const o of outcomes) for (const x of pick(o)) out.push(x);
  return out;
}

/** Copies the plan and turns every restricted output off (first reason wins); never turns anything on. */
function restrict(plan: OutputPlan, restrictions: readonly Restriction[]): OutputPlan {
  const out: OutputPlan = {};
  for (const id in plan) out[id] = { ...plan[id] };
  if (restrictions.length === 0) return out;
  const done = new Set<string>();
  for (const r of restrictions) {
    if (done.has(r.id)) continue;
    done.add(r.id);
    out[r.id] = { on: false, reason: r.reason };
  }
  return out;
}

/**
 * Acknowledges latched faults (all, or only `kinds`), e.g. from `terrarium ack` or MQTT.
 *
 * Decision: an acknowledgement clears the latch unconditionally and restarts the matching detectors
 * from scratch (runaway watch, stuck-relay episode, over-temperature trip count). It does not judge
 * whether the cause is gone, because the detectors do that better: a heater that still cannot heat
 * re-latches `heater-no-heat` one watch period after it is turned on again, a welded relay re-latches
 * after `stuckRelayMinutes`, and a still-hot enclosure stays cut off by the non-latched
 * over-temperature cutoff (Marlin likewise needs a reset and re-detects).
 * @param now wall ms of the acknowledgement
 * @returns the new state and the faults cleared (the caller logs them / emits `fault-cleared`)
 */
export function acknowledgeFaults(state: GuardState, now: number, kinds?: FaultKind[]): { state: GuardState; cleared: Fault[] } {
  const { kept, cleared } = acknowledge(state.latched, kinds);
  const clearedKeys = new Set(cleared.map(faultKey));
  const runawayHeaters = { ...state.runaway.heaters };
  const stuckHeaters = { ...state.stuckRelay.heaters };
  let overTemperature = state.overTemperature;
  for (const f of cleared) {
    if (f.kind === 'thermal-runaway' || f.kind === 'heater-no-heat') delete runawayHeaters[f.component];
    if (f.kind === 'stuck-relay') delete stuckHeaters[f.component];
    if (f.kind === 'over-temperature') overTemperature = { ...overTemperature, overMs: 0, trips: [] };
  }
  return {
    state: {
      ...state,
      latched: kept,
      // A condition still present is re-raised at the next tick as a fresh (non-latched) fault.
      transient: state.transient.filter((f) => !clearedKeys.has(faultKey(f))),
      runaway: { heaters: runawayHeaters },
      stuckRelay: { heaters: stuckHeaters },
      overTemperature,
      lastAcknowledgedAt: now,
      // A person looked: a clock that went back is trusted again (feeding stays guarded by run time).
      clock: trustClock(state.clock ?? initialClockWatchState()),
    },
    cleared,
  };
}
