import type { Season, SpeciesProfile } from '../config/profile-schema.js';
import type { DayPhase, OperatorInputs } from './types.js';

/** The setpoint the thermostats aim for at one instant. °C. */
export interface ActiveSetpoint {
  /** Target air temperature after season, override and clamp, °C. */
  setpointC: number;
  /** Full band width: heat on below setpoint - h/2, off above setpoint + h/2, °C. */
  hysteresisC: number;
  /** Which profile setpoint it started from. */
  basis: 'day' | 'night';
  /** Season whose offset was added, or `null` (also `null` while overridden). */
  seasonName: string | null;
  /** True while an operator override is in force. */
  overridden: boolean;
  /** True when the value had to be moved to keep its band inside the safety limits. */
  clamped: boolean;
}

/**
 * Day or night for the setpoint: the day setpoint applies during the whole lit period, dawn and
 * dusk included, so it switches exactly at the photoperiod's lights-on and lights-off local times
 * (the animal warms up as the lights come on, as under a real sunrise).
 */
export function setpointBasis(phase: DayPhase): 'day' | 'night' {
  return phase === 'night' ? 'night' : 'day';
}

/**
 * Active setpoint and hysteresis at `now` (wall ms):
 * 1. the profile's day or night setpoint by `phase` ({@link setpointBasis});
 * 2. plus the season's `temperatureOffsetC` (if a season is in force);
 * 3. replaced by `override.valueC` while `now < override.until` (season not added to an override);
 * 4. clamped so that setpoint ± hysteresis/2 stays within [safety.minC, safety.maxC].
 */
export function activeSetpoint(
  profile: SpeciesProfile,
  phase: DayPhase,
  season: Season | null,
  now: number,
  override?: OperatorInputs['setpointOverride'],
): ActiveSetpoint {
  const basis = setpointBasis(phase);
  const { setpointC: base, hysteresisC } = profile.temperature[basis];
  const overridden = override !== undefined && Number.isFinite(override.valueC) && now < override.until;
  const raw = overridden ? override.valueC : base + (season?.temperatureOffsetC ?? 0);
  const lo = profile.safety.minC + hysteresisC / 2;
  const hi = profile.safety.maxC - hysteresisC / 2;
  const setpointC = Math.min(Math.max(raw, lo), hi);
  return {
    setpointC,
    hysteresisC,
    basis,
    seasonName: overridden ? null : (season?.name ?? null),
    overridden,
    clamped: setpointC !== raw,
  };
}
