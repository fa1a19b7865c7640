import type { Reading } from '../devices/reading.js';
import { isTrustworthy } from './fusion.js';
import type { OutputCommand } from './types.js';

/** Mister/fogger memory (JSON-serialisable; monotonic ms of this process run, see ThermostatState). */
export interface MisterState {
  on: boolean;
  /** Monotonic ms the current/last pulse started, `null` if none this run. */
  pulseStartMono: number | null;
  /** Monotonic ms the last pulse ended, `null` if none this run. */
  pulseEndMono: number | null;
  /** Monotonic ms since when humidity has been unknown (timed fallback misting), else `null`. */
  fallbackSinceMono: number | null;
}

/** The profile's humidity rule for this tick. */
export interface MistTarget {
  /** Mist only while humidity is below this, %RH (profile `humidity.minPct`). */
  minPct: number;
  /** Longest single pulse, s. */
  maxPulseSeconds: number;
  /** Minimum time from the end of one pulse to the start of the next, minutes. */
  minIntervalMinutes: number;
  /** Humidity unknown: one pulse every N minutes, start to start (0 = no misting). */
  fallbackEveryMinutes: number;
}

export interface MisterResult {
  cmd: OutputCommand;
  state: MisterState;
  /** True when the timed fallback decided (humidity unknown). */
  fallback: boolean;
}

export function initialMisterState(): MisterState {
  return { on: false, pulseStartMono: null, pulseEndMono: null, fallbackSinceMono: null };
}

const MINUTE_MS = 60_000;

/** Time since `since` in ms; a value from a previous run (greater than `mono`) or `null` counts as long ago. */
function since(t: number | null, mono: number): number {
  return t === null || mono < t ? Number.POSITIVE_INFINITY : mono - t;
}

/**
 * One mister/fogger decision (pure). Pulses last at most `maxPulseSeconds` and start at least
 * `minIntervalMinutes` after the previous pulse ended, and only while humidity is below `minPct`
 * (a pulse ends early once it is reached). With humidity unknown it mists on a timer instead:
 * one full pulse every `fallbackEveryMinutes` (start to start, the first one that long after the
 * humidity became unknown; 0 = off), still respecting the minimum interval. The water-level
 * interlock is the guard's job, not this function's.
 * @param mono monotonic ms now
 */
export function stepMister(humidity: Reading | null, target: MistTarget, state: MisterState, mono: number): MisterResult {
  const known = isTrustworthy(humidity);
  const fallbackSinceMono = known ? null : (state.fallbackSinceMono ?? mono);
  const maxPulseMs = target.maxPulseSeconds * 1000;
  const off = (reason: string, ended: boolean): MisterResult => ({
    cmd: { on: false, reason },
    state: { ...state, on: false, pulseEndMono: ended ? mono : state.pulseEndMono, fallbackSinceMono },
    fallback: !known,
  });
  const on = (reason: string, started: boolean): MisterResult => ({
    cmd: { on: true, reason },
    state: { ...state, on: true, pulseStartMono: started ? mono : state.pulseStartMono, fallbackSinceMono },
    fallback: !known,
  });

  if (state.on) {
    const ranMs = since(state.pulseStartMono, mono);
    if (ranMs >= maxPulseMs) return off(`pulse done (${target.maxPulseSeconds} s max)`, true);
    if (known && humidity.value >= target.minPct) return off(`pulse ended: ${humidity.value.toFixed(0)} %RH reached ${target.minPct} %RH`, true);
    return on(`pulse ${Math.floor(ranMs / 1000)} of ${target.maxPulseSeconds} s${known ? '' : ' (timed fallback)'}`, false);
  }

  const restMs = since(state.pulseEndMono, mono);
  const intervalMs = target.minIntervalMinutes * MINUTE_MS;
  const resting = restMs < intervalMs;
  if (known) {
    if (humidity.value >= target.minPct) return off(`${humidity.value.toFixed(0)} %RH not below ${target.minPct} %RH`, false);
    if (resting) return off(`below ${target.minPct} %RH; min interval, ${Math.ceil((intervalMs - restMs) / 1000)} s left`, false);
    return on(`${humidity.value.toFixed(0)} %RH below ${target.minPct} %RH: pulse up to ${target.maxPulseSeconds} s`, true);
  }

  const why = humidity ? `humidity ${humidity.quality} (${humidity.sensorId})` : 'no humidity reading';
  if (target.fallbackEveryMinutes <= 0) return off(`${why}: timed fallback misting off`, false);
  const everyMs = target.fallbackEveryMinutes * MINUTE_MS;
  const lastStart = state.pulseStartMono !== null && state.pulseStartMono <= mono ? state.pulseStartMono : null;
  const anchor = lastStart === null ? (fallbackSinceMono as number) : Math.max(lastStart, fallbackSinceMono as number);
  const dueInMs = anchor + everyMs - mono;
  if (dueInMs > 0 || resting) {
    return off(`${why}: timed fallback, next pulse in ${Math.ceil(Math.max(dueInMs, intervalMs - restMs) / 1000)} s`, false);
  }
  return on(`${why}: timed fallback pulse every ${target.fallbackEveryMinutes} min`, true);
}
