import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import { runawayParams } from '../runaway.js';
import type { Fault } from '../types.js';
import { limitReading } from './over-temperature.js';
import { fmtC, heaterTemperature, type TemperaturePoint } from './readings.js';
import { appliedOn, type InterlockOutcome, otherHeatSources, type Restriction, type TickInput } from './types.js';

/**
 * Stuck relay (welded contact, shorted MOSFET): the heater is commanded off but the heat keeps
 * coming. The mirror of Marlin's cooler "Cooling failed" check ("Inverse (stuck relay)"),
 * watched on the node the heater actually heats. For each heater, with its applied state:
 *
 * - Surface (heaters with a `limit` probe, e.g. a mat: the air barely moves, its surface does):
 *   off for at least `stuckRelayMinutes` while the limit probe is above `limit.maxC +
 *   stuckRelayMarginC` and still rising (an episode as below, on the probe; a reading beyond the
 *   plausible range on the high side counts as a value, over-temperature.ts).
 * - Air, on the heater's control temperature (the rising rule only for heaters without a limit
 *   probe: a mat's node is its surface, the air hardly follows it):
 *   - off for at least `stuckRelayMinutes` and at/above `climate.safety.maxC`; or
 *   - above `setpoint + hysteresis/2 + stuckRelayMarginC` continuously for `stuckRelayMinutes`,
 *     the heater off the whole time, and now still rising: at least `STUCK_RISE_C` above the lowest value
 *     of the episode and within `STUCK_PEAK_TOLERANCE_C` of its highest (a healthy heater's
 *     overshoot has peaked and is falling by then). This one waits while heat from elsewhere can
 *     explain the rise: what the caller names in `ctx.otherHeat` (the enclosure model's
 *     explanation: sun, a warm room), and for a heat mat any light that is on (a lit enclosure
 *     warms its air with the mat off, and a mat hardly heats the air anyway). The `maxC` rule,
 *     the surface rule and the over-temperature cutoff stay in force then.
 *
 * A verdict latches `stuck-relay` for the heater. The guard then locks out heat and opens the
 * `cutoff` relay when one is configured (the heater's own relay cannot be trusted to switch off).
 */

/** Rise above the episode's minimum that counts as "still rising", °C (above BME280/DS18B20 noise). */
export const STUCK_RISE_C = 0.5;
/** "Still rising" also means at the episode's peak, within this much, °C (noise allowance). */
export const STUCK_PEAK_TOLERANCE_C = 0.2;

/** A "too warm while off" episode on one sensor: since (guard ms), lowest and highest value, °C. */
export interface Episode {
  since: number;
  minTempC: number;
  maxTempC: number;
  sensorId: string;
}

export interface StuckRelayHeaterState {
  /** Guard time the heater was last seen going off (null while on). */
  offSince: number | null;
  /** Current episode of the air above the band. */
  episode: Episode | null;
  /** Current episode of the limit probe above `limit.maxC + margin` (absent in older states). */
  surfaceEpisode?: Episode | null;
}

export interface StuckRelayState {
  heaters: Record<string, StuckRelayHeaterState>;
}

export function initialStuckRelayState(): StuckRelayState {
  return { heaters: {} };
}

/** Evaluates every heater for a stuck relay this tick. */
export function evaluateStuckRelay(input: TickInput, prev: StuckRelayState): InterlockOutcome<StuckRelayState> {
  const { enc, m, ctx, t } = input;
  const maxC = enc.climate.safety.maxC;
  const heaters: Record<string, StuckRelayHeaterState> = {};
  const off: Restriction[] = [];
  const latch: Fault[] = [];
  const lightsOn = otherHeatSources(enc, ctx);
  for (const h of enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater')) {
    const p = runawayParams(h);
    const before = prev.heaters[h.id] ?? { offSince: null, episode: null };
    if (appliedOn(ctx, h.id)) {
      heaters[h.id] = { offSince: null, episode: null };
      continue;
    }
    const offSince = before.offSince ?? t;
    const offLongEnough = t - offSince >= p.stuckRelayMs;
    const offMin = Math.round((t - offSince) / 60_000);
    // Air: the episode runs while the air is above the band plus the margin.
    const temp = heaterTemperature(h, m);
    const limitC = ctx.setpointC + ctx.hysteresisC / 2 + p.stuckRelayMarginC;
    const episode = track(before.episode, temp, limitC, t);
    // Surface: on the limit probe, above its limit plus the margin.
    const surface = h.limit ? limitReading(m, h.limit.sensor) : null;
    const surfaceLimitC = h.limit ? h.limit.maxC + p.stuckRelayMarginC : Number.POSITIVE_INFINITY;
    const surfaceEpisode = track(before.surfaceEpisode ?? null, surface, surfaceLimitC, t);
    heaters[h.id] = { offSince, episode, surfaceEpisode };
    let message: string | null = null;
    if (offLongEnough && surface && surfaceEpisode && rising(surfaceEpisode, surface.valueC, t, p.stuckRelayMs)) {
      message = `heater ${h.id} off for ${offMin} min but its surface probe ${surface.sensorId} is still rising (${fmtC(surfaceEpisode.minTempC)} -> ${fmtC(surface.valueC)}) above ${fmtC(surfaceLimitC)}`;
    } else if (temp !== null && offLongEnough && temp.valueC >= maxC) {
      message = `heater ${h.id} off for ${offMin} min but ${temp.sensorId} at ${fmtC(temp.valueC)} ≥ safety.maxC ${fmtC(maxC)}`;
    } else if (temp !== null && !h.limit && !otherHeatExplains(h, ctx, lightsOn) && offLongEnough && episode && rising(episode, temp.valueC, t, p.stuckRelayMs)) {
      message = `heater ${h.id} off but ${temp.sensorId} still rising (${fmtC(episode.minTempC)} -> ${fmtC(temp.valueC)}) above ${fmtC(limitC)} for ${Math.round((t - episode.since) / 60_000)} min, no other heat source on`;
    }
    if (message) {
      off.push({ id: h.id, reason: `stuck relay: ${message}` });
      latch.push(makeFault('stuck-relay', h.id, ctx.now, true, message));
    }
  }
  return { state: { heaters }, off, faults: [], latch };
}

/**
 * True when heat from elsewhere may explain warm air while `heater` is off, so the air-based
 * rising rule waits: whatever the caller names in `ctx.otherHeat` (the enclosure model's
 * explanation: sun, a warm room, lights it has accounted for), and for a heat mat (which heats the
 * floor, hardly the air) any light that is on.
 */
function otherHeatExplains(heater: HeaterConfig, ctx: TickInput['ctx'], lightsOn: readonly string[]): boolean {
  if (ctx.otherHeat && ctx.otherHeat.length > 0) return true;
  return heater.heaterType === 'heat-mat' && lightsOn.length > 0;
}

/** Continues, starts or ends an episode of `p` above `aboveC` (ends on a missing reading or another sensor). */
function track(ep: Episode | null, p: TemperaturePoint | null, aboveC: number, t: number): Episode | null {
  if (p === null || p.valueC <= aboveC || (ep !== null && ep.sensorId !== p.sensorId)) return null;
  const v = p.valueC;
  return ep ? { ...ep, minTempC: Math.min(ep.minTempC, v), maxTempC: Math.max(ep.maxTempC, v) } : { since: t, minTempC: v, maxTempC: v, sensorId: p.sensorId };
}

/** The episode is old enough and `v` is still rising: well above its lowest value, at its peak. */
function rising(ep: Episode, v: number, t: number, minMs: number): boolean {
  return t - ep.since >= minMs && v >= ep.minTempC + STUCK_RISE_C && v >= ep.maxTempC - STUCK_PEAK_TOLERANCE_C;
}
