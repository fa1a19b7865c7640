import type { HeaterConfig } from '../config/enclosure-schema.js';
import type { Reading } from '../devices/reading.js';
import { isTrustworthy } from './fusion.js';
import type { OutputCommand } from './types.js';

/** A tripped limit probe releases only this far below its `maxC`, °C (stops chatter at the limit). */
export const LIMIT_RELEASE_C = 1;

/**
 * Per-heater thermostat memory (JSON-serialisable). Monotonic times belong to one process run: a
 * value greater than the current monotonic time (a restart) counts as "long ago".
 */
export interface ThermostatState {
  /** Last commanded state. */
  on: boolean;
  /** Monotonic ms of the last on/off change; `null` = unknown (boot): min on/off times are met. */
  changedAtMono: number | null;
  /** Monotonic ms when the fallback duty cycle started; `null` while not in fallback. */
  fallbackSinceMono: number | null;
  /** Current time-proportioning window: start (monotonic ms) and on-time at its start (ms). */
  window: { startMono: number; onMs: number } | null;
  /** The limit probe reached `limit.maxC` and has not fallen {@link LIMIT_RELEASE_C} below it yet. */
  limitTripped: boolean;
}

/** What the thermostat aims for this tick. */
export interface ThermostatTarget {
  /** Active setpoint and full hysteresis band width, °C. */
  setpointC: number;
  hysteresisC: number;
  /** Fallback heater duty for the current day phase, 0..100 % (profile `fallback.heaterDuty*Pct`). */
  fallbackDutyPct: number;
  /** Fallback duty-cycle period, ms (profile `fallback.heaterDutyPeriodMinutes`). */
  fallbackPeriodMs: number;
}

export interface ThermostatResult {
  cmd: OutputCommand;
  state: ThermostatState;
  /** True when the fallback rule decided (no trustworthy temperature, or limit probe unknown). */
  fallback: boolean;
}

export function initialThermostatState(): ThermostatState {
  return { on: false, changedAtMono: null, fallbackSinceMono: null, window: null, limitTripped: false };
}

/**
 * The bounded fallback duty cycle: within each `periodMs` counted from `sinceMono`, off for the first
 * (100 - dutyPct) % and on for the last dutyPct %. Off comes first, so the heater goes off the
 * moment its temperature becomes unknown and heats again only after the off share (never "hold").
 */
export function fallbackDutyOn(sinceMono: number, mono: number, dutyPct: number, periodMs: number): boolean {
  if (dutyPct <= 0) return false;
  if (dutyPct >= 100) return true;
  const phase = (((mono - sinceMono) % periodMs) + periodMs) % periodMs;
  return phase >= (1 - dutyPct / 100) * periodMs;
}

function elapsed(since: number | null, mono: number): number {
  return since === null || mono < since ? Number.POSITIVE_INFINITY : mono - since;
}

const c = (v: number): string => `${v.toFixed(2)} °C`;

/**
 * Applies minimum on/off times (relay wear), measured in monotonic ms so a wall-clock step cannot
 * shorten them. An off that `immediate` marks (safety: limit probe, fallback) is never delayed.
 */
function gate(want: boolean, reason: string, heater: HeaterConfig, state: ThermostatState, mono: number, immediate: boolean): { on: boolean; reason: string } {
  const since = elapsed(state.changedAtMono, mono);
  if (want && !state.on && since < heater.minOffSeconds * 1000) {
    return { on: false, reason: `${reason}; min off time, ${Math.ceil((heater.minOffSeconds * 1000 - since) / 1000)} s left` };
  }
  if (!want && state.on && !immediate && since < heater.minOnSeconds * 1000) {
    return { on: true, reason: `${reason}; min on time, ${Math.ceil((heater.minOnSeconds * 1000 - since) / 1000)} s left` };
  }
  return { on: want, reason };
}

function result(d: { on: boolean; reason: string }, state: ThermostatState, mono: number, patch: Partial<ThermostatState>, fallback: boolean): ThermostatResult {
  const changedAtMono = d.on !== state.on ? mono : state.changedAtMono;
  return { cmd: { on: d.on, reason: d.reason }, state: { ...state, ...patch, on: d.on, changedAtMono }, fallback };
}

/** On-time of a new time-proportioning window: duty from the band, rounded to respect min on/off. */
function windowOnMs(tempC: number, target: ThermostatTarget, heater: HeaterConfig, periodMs: number): number {
  const high = target.setpointC + target.hysteresisC / 2;
  const duty = Math.min(Math.max((high - tempC) / target.hysteresisC, 0), 1);
  const onMs = duty * periodMs;
  if (onMs < heater.minOnSeconds * 1000) return 0;
  if (periodMs - onMs < heater.minOffSeconds * 1000) return periodMs;
  return onMs;
}

/**
 * One thermostat decision for one heater (pure).
 *
 * - Limit probe (`heater.limit`): at or above `maxC` the heater is off at once, until the probe is
 *   {@link LIMIT_RELEASE_C} below; an unknown limit reading never turns the heater on: the heater is
 *   capped to the fallback duty cycle.
 * - No trustworthy temperature (`temp` null or not `ok`): the fallback duty cycle
 *   ({@link fallbackDutyOn}), never the last state; the reason says "fallback".
 * - Hysteresis: on below setpoint - h/2, off above setpoint + h/2, hold in between; so a cold
 *   reading never turns heat off.
 * - Time-proportioning (`heater.timeProportioning`): a slow PWM in back-to-back windows of
 *   `periodSeconds`; duty = (setpoint + h/2 - T) / h at the window's start, clamped 0..1
 *   (proportional band = the hysteresis band: 100 % at its bottom, 50 % at the setpoint, 0 % at its
 *   top). Below the band the heater is on regardless; above it, off for the rest of the window.
 * - Minimum on/off times in monotonic ms; safety offs are not delayed by the minimum on time.
 * @param mono monotonic ms now
 */
export function stepThermostat(
  heater: HeaterConfig,
  temp: Reading | null,
  target: ThermostatTarget,
  state: ThermostatState,
  mono: number,
  limit: Reading | null = null,
): ThermostatResult {
  const limitCfg = heater.limit;
  const limitKnown = !limitCfg || isTrustworthy(limit);
  const tempKnown = isTrustworthy(temp);
  const fallback = !tempKnown || !limitKnown;
  const fallbackSinceMono = fallback ? (state.fallbackSinceMono ?? mono) : null;
  const dutyOn = fallbackSinceMono !== null && fallbackDutyOn(fallbackSinceMono, mono, target.fallbackDutyPct, target.fallbackPeriodMs);
  const duty = `fallback duty ${target.fallbackDutyPct} % of ${target.fallbackPeriodMs / 60_000} min`;

  let limitTripped = false;
  if (limitCfg && isTrustworthy(limit)) {
    limitTripped = state.limitTripped ? limit.value > limitCfg.maxC - LIMIT_RELEASE_C : limit.value >= limitCfg.maxC;
    if (limitTripped) {
      const reason = `limit probe ${limitCfg.sensor} ${c(limit.value)} >= ${c(limitCfg.maxC)}`;
      return result({ on: false, reason }, state, mono, { limitTripped, window: null, fallbackSinceMono }, fallback);
    }
  }

  if (!isTrustworthy(temp)) {
    const why = temp ? `temperature ${temp.quality} (${temp.sensorId}${temp.reason ? `: ${temp.reason}` : ''})` : 'no temperature reading';
    const reason = `${duty}: ${why}${limitKnown ? '' : `, limit probe ${limitCfg?.sensor} unknown`}`;
    return result(gate(dutyOn, reason, heater, state, mono, true), state, mono, { limitTripped, window: null, fallbackSinceMono }, true);
  }

  const t = temp.value;
  const low = target.setpointC - target.hysteresisC / 2;
  const high = target.setpointC + target.hysteresisC / 2;
  let want: boolean;
  let reason: string;
  let window: ThermostatState['window'] = null;
  if (heater.timeProportioning) {
    // Windows run back to back whatever the temperature does; leaving the band overrides them.
    const periodMs = heater.timeProportioning.periodSeconds * 1000;
    window = state.window;
    if (!window || mono < window.startMono || mono >= window.startMono + periodMs) {
      window = { startMono: mono, onMs: windowOnMs(t, target, heater, periodMs) };
    }
    const elapsedMs = mono - window.startMono;
    // Above the band the rest of this window's on share is dropped, so it cannot switch on again.
    if (t > high) window = { ...window, onMs: Math.min(window.onMs, elapsedMs) };
    want = t < low || elapsedMs < window.onMs;
    reason = `time-proportioning ${Math.round((100 * window.onMs) / periodMs)} % of ${periodMs / 1000} s at ${c(t)}`;
    if (t < low) reason = `${c(t)} below ${c(low)}`;
    else if (t > high) reason = `${c(t)} above ${c(high)}`;
  } else if (t < low) {
    [want, reason] = [true, `${c(t)} below ${c(low)}`];
  } else if (t > high) {
    [want, reason] = [false, `${c(t)} above ${c(high)}`];
  } else {
    [want, reason] = [state.on, `${c(t)} within ${c(low)}..${c(high)}, holding ${state.on ? 'on' : 'off'}`];
  }

  let immediate = false;
  if (!limitKnown) {
    const cap = `limit probe ${limitCfg?.sensor} unknown: capped to ${duty}`;
    if (want && !dutyOn) [want, immediate] = [false, true];
    reason = `${reason}; ${cap}`;
  }
  return result(gate(want, reason, heater, state, mono, immediate), state, mono, { limitTripped, window, fallbackSinceMono }, fallback);
}
