import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import type { Fault } from '../types.js';
import { allTemperatures, fmtC, sensorTemperature } from './readings.js';
import type { InterlockOutcome, Restriction, TickInput } from './types.js';

/**
 * Over-temperature cutoff, independent of the control logic
 * ("an absolute over-temp cutoff independent of the control loop", Marlin MAXTEMP).
 *
 * - Any trustworthy enclosure temperature at/above `climate.safety.maxC` trips the cutoff: every
 *   heater off. Heater `limit` probes are excluded here (a heat mat's surface legitimately runs above
 *   the air limit) and checked against their own `limit.maxC`, which turns only that heater off
 *   (released `OVER_TEMP_RELEASE_C` below). An unknown limit reading caps the heater to the
 *   fallback duty instead (sensor-fallback.ts).
 * - A trip releases once every trustworthy temperature is below `maxC - OVER_TEMP_RELEASE_C`; with
 *   no trustworthy temperature at all it holds (release needs evidence of cooling).
 * - Latching (decision): Marlin halts on the first MAXTEMP; a terrarium can also overheat from the sun
 *   on the glass with the heat path healthy, so one short trip is not latched. It latches when the
 *   temperature stays at/above the limit for `OVER_TEMP_LATCH_AFTER_MS` in total during one trip
 *   (heat off did not help: stuck relay or wrong installation) or on the `OVER_TEMP_TRIPS_TO_LATCH`-th
 *   trip within `OVER_TEMP_TRIP_WINDOW_MS` (the loop keeps overshooting). A latched
 *   over-temperature locks out all heat until acknowledged.
 */

/** Release margin below the limit, °C: keeps the cutoff from chattering on sensor noise. */
export const OVER_TEMP_RELEASE_C = 0.5;
/** Time at/above the limit within one trip that latches the fault, ms (15 min). */
export const OVER_TEMP_LATCH_AFTER_MS = 15 * 60_000;
/** Trips within {@link OVER_TEMP_TRIP_WINDOW_MS} that latch the fault. */
export const OVER_TEMP_TRIPS_TO_LATCH = 3;
/** Window for counting repeated trips, ms (24 h). */
export const OVER_TEMP_TRIP_WINDOW_MS = 24 * 3_600_000;

export interface OverTemperatureState {
  /** The enclosure cutoff is tripped. */
  active: boolean;
  /** Sensor that tripped it (fault component), while active. */
  sensorId: string | null;
  /** Guard ms spent at/above the limit during the current trip. */
  overMs: number;
  /** Guard times of trip starts within the window. */
  trips: number[];
  /** Heater ids whose `limit` probe cutoff is tripped. */
  limitTripped: string[];
}

export function initialOverTemperatureState(): OverTemperatureState {
  return { active: false, sensorId: null, overMs: 0, trips: [], limitTripped: [] };
}

/** Evaluates the enclosure cutoff and every heater's limit probe. */
export function evaluateOverTemperature(input: TickInput, prev: OverTemperatureState): InterlockOutcome<OverTemperatureState> {
  const { enc, m, t, dt, ctx } = input;
  const maxC = enc.climate.safety.maxC;
  const heaters = enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater');
  const limitProbes = new Set(heaters.flatMap((h) => (h.limit ? [h.limit.sensor] : [])));
  const temps = allTemperatures(m).filter((p) => !limitProbes.has(p.sensorId));
  const over = temps.filter((p) => p.valueC >= maxC);
  const off: Restriction[] = [];
  const faults: Fault[] = [];
  const latch: Fault[] = [];

  const state: OverTemperatureState = { ...prev, trips: prev.trips.filter((at) => t - at < OVER_TEMP_TRIP_WINDOW_MS) };
  if (!state.active && over.length > 0) {
    state.active = true;
    state.sensorId = over[0].sensorId;
    state.overMs = 0;
    state.trips = [...state.trips, t];
  } else if (state.active) {
    if (over.length > 0) state.overMs += dt;
    else if (temps.length > 0 && temps.every((p) => p.valueC < maxC - OVER_TEMP_RELEASE_C)) {
      state.active = false;
      state.sensorId = null;
      state.overMs = 0;
    }
  }

  if (state.active) {
    const sensorId = state.sensorId ?? 'enclosure';
    const hottest = over.reduce<number | null>((acc, p) => (acc === null || p.valueC > acc ? p.valueC : acc), null);
    const what = hottest === null ? `cooling below ${fmtC(maxC - OVER_TEMP_RELEASE_C)} not yet confirmed` : `${fmtC(hottest)} ≥ ${fmtC(maxC)}`;
    for (const h of heaters) off.push({ id: h.id, reason: `over-temperature cutoff: ${what}` });
    faults.push(makeFault('over-temperature', sensorId, ctx.now, false, `enclosure over-temperature: ${what} (safety.maxC)`));
    if (state.overMs >= OVER_TEMP_LATCH_AFTER_MS) {
      latch.push(makeFault('over-temperature', sensorId, ctx.now, true, `over-temperature persisted ${Math.round(state.overMs / 60_000)} min with heat off (${what})`));
    } else if (state.trips.length >= OVER_TEMP_TRIPS_TO_LATCH) {
      latch.push(makeFault('over-temperature', sensorId, ctx.now, true, `over-temperature tripped ${state.trips.length} times within 24 h (${what})`));
    }
  }

  const limitTripped: string[] = [];
  for (const h of heaters) {
    if (!h.limit) continue;
    const p = sensorTemperature(m, h.limit.sensor);
    const wasTripped = prev.limitTripped.includes(h.id);
    if (p === null) {
      // Unknown limit: the fallback-duty cap applies (sensor-fallback.ts); a trip in force holds.
      if (wasTripped) {
        limitTripped.push(h.id);
        off.push({ id: h.id, reason: `limit probe ${h.limit.sensor} tripped, cooling not yet confirmed` });
      }
      continue;
    }
    const tripped = p.valueC >= h.limit.maxC || (wasTripped && p.valueC >= h.limit.maxC - OVER_TEMP_RELEASE_C);
    if (!tripped) continue;
    limitTripped.push(h.id);
    off.push({ id: h.id, reason: `limit probe ${p.sensorId} ${fmtC(p.valueC)} ≥ ${fmtC(h.limit.maxC)}` });
    faults.push(makeFault('over-temperature', h.id, ctx.now, false, `heater ${h.id} limit probe ${p.sensorId} at ${fmtC(p.valueC)} (limit.maxC ${fmtC(h.limit.maxC)})`));
  }
  state.limitTripped = limitTripped;
  return { state, off, faults, latch };
}
