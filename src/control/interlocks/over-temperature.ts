import type { HeaterConfig } from '../../config/enclosure-schema.js';
import { makeFault } from '../faults.js';
import type { Fault } from '../types.js';
import type { Measurements } from '../types.js';
import { allTemperatures, fmtC, sensorTemperature, type TemperaturePoint } from './readings.js';
import { appliedOn, type InterlockOutcome, type Restriction, type TickInput } from './types.js';

/**
 * Over-temperature cutoff, independent of the control logic
 * ("an absolute over-temp cutoff independent of the control loop", Marlin MAXTEMP).
 *
 * - Any trustworthy enclosure temperature at/above `climate.safety.maxC` trips the cutoff: every
 *   heater off. Heater `limit` probes are excluded here (a heat mat's surface legitimately runs above
 *   the air limit) and checked against their own `limit.maxC`, which turns only that heater off
 *   (released `OVER_TEMP_RELEASE_C` below). An unknown limit reading caps the heater to the
 *   fallback duty instead (sensor-fallback.ts).
 * - A limit probe is the one sensor on the hot surface, so a reading beyond the plausible range on
 *   the HIGH side (a DS18B20 reads up to 125 °C; the enclosure's plausibility range ends near
 *   60 °C) is an overheat until proven otherwise, not a broken probe: it counts as a reading at
 *   that value (Klipper's `verify_heater` and Marlin's MAXTEMP both treat a reading over the
 *   maximum as a heater fault, not as a sensor fault).
 * - Reaching `limit.maxC` is the limit doing its job (a heat mat's surface lags its element and
 *   overshoots the switch-off point for minutes): the heater is turned off and nothing is raised.
 *   `over-temperature` (non-latched, naming the heater) is raised only when the surface goes
 *   {@link LIMIT_FAULT_MARGIN_C} beyond `limit.maxC`, and latched (heat lockout: every heater off
 *   and the cutoff relay opened, which is what stops a mat whose own relay is welded) when it stays
 *   beyond that margin for {@link LIMIT_LATCH_AFTER_MS} of heater-off time.
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
/**
 * A surface beyond its `limit.maxC` by more than this is an overheat, not thermal lag, °C. A heat
 * mat under a glass floor overshoots its switch-off point by 1-3 °C (element time constant ~20 min,
 * the probe between element and floor); 5 °C is beyond that and still far below what burns
 * (own choice).
 */
export const LIMIT_FAULT_MARGIN_C = 5;
/** Time beyond the margin with the heater off that latches the overheat, ms: a healthy surface is falling by then. */
export const LIMIT_LATCH_AFTER_MS = 5 * 60_000;

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
  /** Guard ms each heater's surface has spent beyond `limit.maxC + LIMIT_FAULT_MARGIN_C` (absent in older states). */
  limitOverMs?: Record<string, number>;
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
  const limitOverMs: Record<string, number> = {};
  for (const h of heaters) {
    if (!h.limit) continue;
    const p = limitReading(m, h.limit.sensor);
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
    const beyondRange = p.beyondRange ? ' (beyond the plausible range: an overheat until proven otherwise)' : '';
    off.push({ id: h.id, reason: `limit probe ${p.sensorId} ${fmtC(p.valueC)} ≥ ${fmtC(h.limit.maxC)}${beyondRange}` });
    if (p.valueC < h.limit.maxC + LIMIT_FAULT_MARGIN_C) continue; // thermal lag past the switch-off point: the limit at work
    const overMs = (prev.limitOverMs?.[h.id] ?? 0) + (appliedOn(ctx, h.id) ? 0 : dt);
    limitOverMs[h.id] = overMs;
    const what = `heater ${h.id} overheating: its surface probe ${p.sensorId} reads ${fmtC(p.valueC)}, limit.maxC ${fmtC(h.limit.maxC)}${beyondRange}`;
    faults.push(makeFault('over-temperature', h.id, ctx.now, false, what));
    if (overMs >= LIMIT_LATCH_AFTER_MS) latch.push(makeFault('over-temperature', h.id, ctx.now, true, `${what}, still after ${Math.round(overMs / 60_000)} min off: heat locked out, cutoff opened`));
  }
  state.limitTripped = limitTripped;
  state.limitOverMs = limitOverMs;
  return { state, off, faults, latch };
}

/**
 * The reading of a limit probe the guard acts on: a trustworthy one, or one that is implausible
 * because it is beyond the plausible range on the high side (`beyondRange`), which on a hot surface
 * is an overheat. Stale, missing, stuck or low-implausible readings give null.
 */
export function limitReading(m: Measurements, sensorId: string): (TemperaturePoint & { beyondRange: boolean }) | null {
  const p = sensorTemperature(m, sensorId);
  if (p) return { ...p, beyondRange: false };
  const r = m.bySensor[sensorId]?.temperature;
  if (r?.quality === 'implausible' && r.value !== null && Number.isFinite(r.value) && /out of plausible range/.test(r.reason ?? '') && r.value > 0) {
    const max = /\.\.(-?[\d.]+)/.exec(r.reason ?? '');
    if (max && r.value > Number(max[1])) return { sensorId, valueC: r.value, beyondRange: true };
  }
  return null;
}
