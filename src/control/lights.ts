import type { LightConfig } from '../config/enclosure-schema.js';
import type { DayPhase, OutputCommand } from './types.js';

/** The part of the photoperiod a light follows. */
export interface LightInput {
  phase: DayPhase;
  /** 0..1, ramping over dawn and dusk. */
  lightLevel: number;
}

/**
 * One light's command (pure). Lights follow the photoperiod level computed from `now`: a relay
 * light is on for the whole lit period (dawn to dusk inclusive), a dimmable PCA9685 light gets
 * `level` = the photoperiod's light level (ramping at dawn and dusk).
 *
 * While the clock is not plausible (a Pi without RTC that booted in the past) nobody knows whether
 * it is day: lights stay OFF. A dark enclosure is the safe default: a light stuck on at night
 * disturbs a nocturnal or crepuscular animal's rhythm (and a basking lamp is a heater, controlled by
 * its thermostat, not by this rule), whereas a few dark hours until NTP syncs harm nothing.
 */
export function planLight(light: LightConfig, pp: LightInput, clockPlausible: boolean): OutputCommand {
  const dimmable = light.output.type === 'pca9685';
  if (!clockPlausible) {
    return dimmable ? { on: false, level: 0, reason: 'clock not plausible: lights off (safe default)' } : { on: false, reason: 'clock not plausible: lights off (safe default)' };
  }
  const lit = pp.phase !== 'night';
  if (!dimmable) return { on: lit, reason: lit ? `photoperiod ${pp.phase}` : 'photoperiod night' };
  const level = lit ? pp.lightLevel : 0;
  return { on: level > 0, level, reason: lit ? `photoperiod ${pp.phase} ${Math.round(level * 100)} %` : 'photoperiod night' };
}
