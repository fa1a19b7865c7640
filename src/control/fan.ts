import type { FanConfig } from '../config/enclosure-schema.js';
import type { Reading } from '../devices/reading.js';
import { isTrustworthy } from './fusion.js';
import type { OutputCommand } from './types.js';

/**
 * Over-temperature trigger: the fan starts this far above the top of the heating band
 * (setpoint + h/2), °C, and stops again at the band top. The margin keeps the fan out of normal
 * thermostat overshoot; the guard's over-temperature cutoff at `safety.maxC` is separate.
 */
export const FAN_TEMPERATURE_MARGIN_C = 1;

/** Over-humidity release: a fan started above `humidity.maxPct` stops this far below it, %RH. */
export const FAN_HUMIDITY_RELEASE_PCT = 5;

/** Fan memory (JSON-serialisable; monotonic ms of this process run). */
export interface FanState {
  on: boolean;
  /** Monotonic ms the current run started, `null` when off. */
  onSinceMono: number | null;
  /** Forced rest until this monotonic ms after a maximum-length run, `null` when not resting. */
  restUntilMono: number | null;
}

/** What the fan reacts to this tick. */
export interface FanTarget {
  /** Profile `humidity.maxPct`, %RH. */
  maxHumidityPct: number;
  /** Top of the active heating band: setpoint + hysteresis/2, °C. */
  bandTopC: number;
}

export function initialFanState(): FanState {
  return { on: false, onSinceMono: null, restUntilMono: null };
}

/**
 * One fan decision (pure): on while humidity is above `maxHumidityPct` (until it falls
 * {@link FAN_HUMIDITY_RELEASE_PCT} below) or temperature is above `bandTopC` +
 * {@link FAN_TEMPERATURE_MARGIN_C} (until back at `bandTopC`); off otherwise, and off when neither
 * reading is trustworthy (ventilating on a guess could chill or dry the animal). A run is limited to
 * `fan.maxOnMinutes`, then the fan rests `fan.restMinutes` before it may start again.
 * @param mono monotonic ms now
 */
export function stepFan(fan: FanConfig, temp: Reading | null, humidity: Reading | null, target: FanTarget, state: FanState, mono: number): { cmd: OutputCommand; state: FanState } {
  const off = (reason: string, restUntilMono: number | null): { cmd: OutputCommand; state: FanState } => ({
    cmd: { on: false, reason },
    state: { on: false, onSinceMono: null, restUntilMono },
  });
  const resting = state.restUntilMono !== null && mono < state.restUntilMono && state.restUntilMono - mono <= fan.restMinutes * 60_000;
  const restUntil = resting ? state.restUntilMono : null;

  const reasons: string[] = [];
  if (isTrustworthy(humidity)) {
    const threshold = state.on ? target.maxHumidityPct - FAN_HUMIDITY_RELEASE_PCT : target.maxHumidityPct;
    if (humidity.value > threshold) reasons.push(`${humidity.value.toFixed(0)} %RH above ${threshold} %RH`);
  }
  if (isTrustworthy(temp)) {
    const threshold = state.on ? target.bandTopC : target.bandTopC + FAN_TEMPERATURE_MARGIN_C;
    if (temp.value > threshold) reasons.push(`${temp.value.toFixed(1)} °C above ${threshold.toFixed(1)} °C`);
  }
  if (reasons.length === 0) return off('no over-humidity or over-temperature', restUntil);
  if (resting) return off(`${reasons.join(', ')}; resting ${Math.ceil(((restUntil as number) - mono) / 1000)} s more`, restUntil);

  const onSince = state.on && state.onSinceMono !== null && state.onSinceMono <= mono ? state.onSinceMono : mono;
  if (mono - onSince >= fan.maxOnMinutes * 60_000) {
    return off(`${reasons.join(', ')}; ran ${fan.maxOnMinutes} min, resting ${fan.restMinutes} min`, mono + fan.restMinutes * 60_000);
  }
  return { cmd: { on: true, reason: reasons.join(', ') }, state: { on: true, onSinceMono: onSince, restUntilMono: null } };
}
