import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import { runawayParams } from '../runaway.js';
import type { Fault } from '../types.js';
import { fmtC, heaterTemperature } from './readings.js';
import { appliedOn, type InterlockOutcome, type Restriction, type TickInput } from './types.js';

/**
 * Stuck relay (welded contact, shorted MOSFET): the heater is commanded off but the heat keeps
 * coming. The mirror of Marlin's cooler "Cooling failed" check ("Inverse
 * (stuck relay)"). For each heater, with its control temperature and its applied state:
 *
 * - off for at least `stuckRelayMinutes` and at/above `climate.safety.maxC`; or
 * - above `setpoint + hysteresis/2 + stuckRelayMarginC` continuously for `stuckRelayMinutes`, the
 *   heater off the whole time, and now still rising: at least `STUCK_RISE_C` above the lowest value
 *   of that episode and within `STUCK_PEAK_TOLERANCE_C` of its highest (a healthy heater's overshoot
 *   has peaked and is falling by then);
 *
 * latches `stuck-relay` for the heater. The guard then locks out heat and opens the `cutoff` relay
 * when one is configured (the heater's own relay cannot be trusted to switch off).
 * Limitation: strong sun on the glass looks the same; cutting the master relay is harmless then,
 * and the keeper is told.
 */

/** Rise above the episode's minimum that counts as "still rising", °C (above BME280/DS18B20 noise). */
export const STUCK_RISE_C = 0.5;
/** "Still rising" also means at the episode's peak, within this much, °C (noise allowance). */
export const STUCK_PEAK_TOLERANCE_C = 0.2;

export interface StuckRelayHeaterState {
  /** Guard time the heater was last seen going off (null while on). */
  offSince: number | null;
  /** Current "too warm while off" episode. */
  episode: { since: number; minTempC: number; maxTempC: number; sensorId: string } | null;
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
  for (const h of enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater')) {
    const p = runawayParams(h);
    const before = prev.heaters[h.id] ?? { offSince: null, episode: null };
    if (appliedOn(ctx, h.id)) {
      heaters[h.id] = { offSince: null, episode: null };
      continue;
    }
    const offSince = before.offSince ?? t;
    const temp = heaterTemperature(h, m);
    const limitC = ctx.setpointC + ctx.hysteresisC / 2 + p.stuckRelayMarginC;
    let episode = before.episode;
    if (temp === null || temp.valueC <= limitC || (episode !== null && episode.sensorId !== temp.sensorId)) episode = null;
    if (temp !== null && temp.valueC > limitC) {
      const v = temp.valueC;
      episode = episode ? { ...episode, minTempC: Math.min(episode.minTempC, v), maxTempC: Math.max(episode.maxTempC, v) } : { since: t, minTempC: v, maxTempC: v, sensorId: temp.sensorId };
    }
    heaters[h.id] = { offSince, episode };
    if (temp === null) continue;
    const offLongEnough = t - offSince >= p.stuckRelayMs;
    let message: string | null = null;
    if (offLongEnough && temp.valueC >= maxC) {
      message = `heater ${h.id} off for ${Math.round((t - offSince) / 60_000)} min but ${temp.sensorId} at ${fmtC(temp.valueC)} ≥ safety.maxC ${fmtC(maxC)}`;
    } else if (
      offLongEnough &&
      episode &&
      t - episode.since >= p.stuckRelayMs &&
      temp.valueC >= episode.minTempC + STUCK_RISE_C &&
      temp.valueC >= episode.maxTempC - STUCK_PEAK_TOLERANCE_C
    ) {
      message = `heater ${h.id} off but ${temp.sensorId} still rising (${fmtC(episode.minTempC)} -> ${fmtC(temp.valueC)}) above ${fmtC(limitC)} for ${Math.round((t - episode.since) / 60_000)} min`;
    }
    if (message) {
      off.push({ id: h.id, reason: `stuck relay: ${message}` });
      latch.push(makeFault('stuck-relay', h.id, ctx.now, true, message));
    }
  }
  return { state: { heaters }, off, faults: [], latch };
}
