import type { EnclosureConfig } from '../config/load.js';
import type { ModelSummary } from './thermal-model.js';

/** Where a model's figures come from. */
export type ModelSource = 'history' | 'simulation' | 'seed';

/** One heater's headroom: the coldest room in which it alone holds a setpoint of the profile. */
export interface Headroom {
  heater: string;
  /** `day` or `night` (the profile's setpoints; the day one with the lights' warmth). */
  setpoint: 'day' | 'night';
  setpointC: number;
  /** Coldest room temperature at which the heater, on all the time, still holds the setpoint, °C. */
  minRoomC: number;
}

/**
 * Headroom of every heater for every setpoint of the profile: a heater on all the time keeps the
 * air `airRiseC` above the room (the model's steady state), plus the lights' rise by day; so it
 * holds setpoint S down to a room of S - rise. Several heaters together: the sum of their rises.
 */
export function headroom(enc: EnclosureConfig, s: ModelSummary): Headroom[] {
  const t = enc.climate.temperature;
  const out: Headroom[] = [];
  const setpoints = [
    ['day', t.day.setpointC, s.lightsRiseC],
    ['night', t.night.setpointC, 0],
  ] as const;
  for (const h of s.heaters) {
    for (const [name, sp, extra] of setpoints) out.push({ heater: h.id, setpoint: name, setpointC: sp, minRoomC: sp - h.airRiseC - extra });
  }
  if (s.heaters.length > 1) {
    const all = s.heaters.reduce((acc, h) => acc + h.airRiseC, 0);
    for (const [name, sp, extra] of setpoints) out.push({ heater: 'all heaters', setpoint: name, setpointC: sp, minRoomC: sp - all - extra });
  }
  return out;
}

const HEATER_WORDS: Record<string, string> = { 'ceramic-heat-emitter': 'emitter', 'heat-mat': 'heat mat', 'basking-lamp': 'basking lamp' };
const c1 = (v: number): string => `${Math.round(v * 10) / 10}`;
const c0 = (v: number): string => `${Math.round(v)}`;

/**
 * The fitted model of one enclosure in a keeper's words: how fast it warms and cools, what each
 * heater does, and down to which room temperature each heater holds each setpoint.
 */
export function explainModel(enc: EnclosureConfig, s: ModelSummary, source: ModelSource, hours: number): string {
  const lines: string[] = [];
  const from =
    source === 'history'
      ? `fitted to ${c0(hours)} h of this enclosure's own readings (state directory)`
      : source === 'simulation'
        ? `fitted to ${c0(hours)} h of a simulation of this configuration`
        : 'not fitted yet: figures from the configuration (build, heater types and powers), good to about a factor of two';
  lines.push(`${enc.id} — ${enc.name} (${from})`);
  const tau = s.air.timeConstantMin;
  lines.push(`  Air: settles towards its surroundings with a time constant of ${tau < 2 ? 'under 2' : c0(tau)} min${tau < 5 ? ' (it follows the room and the heat almost at once)' : ''}; the floor and decor hold heat for hours.`);
  if (source === 'seed') {
    // no room figure before any data
  } else if (s.air.roomMeasured) lines.push('  Room: the simulated room\'s temperature is known to the model.');
  else if (s.air.roomC !== null) lines.push(`  Room: about ${c1(s.air.roomC)} °C lately, estimated (no room sensor), so the headroom below is rough.`);
  for (const h of s.heaters) {
    const kind = HEATER_WORDS[h.heaterType] ?? h.heaterType;
    const surf = Object.entries(h.surfaceRiseC)
      .filter(([, v]) => v > 0.5)
      .map(([id, v]) => `, the surface at ${id} ${c0(v)} °C`)
      .join('');
    lines.push(`  ${h.id} (${h.powerW} W ${kind}): warms the air by up to ${c1(h.airRateCPerH)} °C/h once hot; on all the time it keeps the air ${c1(h.airRiseC)} °C above the room${surf}.`);
  }
  if (s.lightsRiseC > 0.2) lines.push(`  Lights: add about ${c1(s.lightsRiseC)} °C by day.`);
  for (const hr of headroom(enc, s)) {
    const who = hr.heater === 'all heaters' ? 'All heaters together hold' : `Your ${s.heaters.find((h) => h.id === hr.heater)?.powerW ?? ''} W ${HEATER_WORDS[s.heaters.find((h) => h.id === hr.heater)?.heaterType ?? ''] ?? 'heater'} (${hr.heater}) holds`;
    lines.push(`  ${who} the ${c1(hr.setpointC)} °C ${hr.setpoint} setpoint down to a ${c0(hr.minRoomC)} °C room.`);
  }
  return `${lines.join('\n')}\n`;
}
