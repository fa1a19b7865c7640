import type { HeaterConfig } from '../../config/enclosure-schema.js';
import type { Reading } from '../../devices/reading.js';
import { faultKey, makeFault } from '../faults.js';
import type { Fault, FaultKind } from '../types.js';
import { heaterTemperature, sensorTemperature } from './readings.js';
import { appliedOn, type InterlockOutcome, plannedOn, type Restriction, type TickInput } from './types.js';

/**
 * Stale / implausible / stuck / missing temperature.
 *
 * The planner applies the fallback rule (`climate.fallback`: a bounded heater duty by day and by
 * night); the guard checks it, as a second line (ESPHome `bang_bang`: NaN input -> OFF, not "hold").
 * A heater is "in fallback" when no temperature among its `sensors` is trustworthy,
 * or when it has a `limit` probe whose reading is not trustworthy (the limit is what keeps a heat
 * mat from burning; without it the heat is capped to the fallback duty, as the planner does):
 * - a heater in fallback may be on only when the plan's reason marks the fallback duty
 *   ({@link isFallbackReason}); otherwise it is turned off;
 * - under the fallback rule it may be on at most `duty % x heaterDutyPeriodMinutes` per period,
 *   measured from what was actually applied; past that it is held off until the next period.
 * - every sensor whose reading is not `ok` raises a non-latched `sensor-stale`, `sensor-implausible`,
 *   `sensor-stuck` or `sensor-missing` fault for visibility (no output change by itself).
 */

/**
 * The plan marks a heater command under the fallback rule with a reason containing `fallback duty`
 * (control/types.ts example `fallback duty 20 %`; the thermostat writes `fallback duty 30 % of 30 min:
 * ...` or `...; limit probe p unknown: capped to fallback duty 30 % of 30 min`). Contract with the planner.
 */
export function isFallbackReason(reason: string): boolean {
  return /\bfallback duty\b/i.test(reason);
}

/** Duty accounting of one heater while it is in fallback. */
export interface FallbackDutyState {
  /** Guard time the current duty period started. */
  windowStart: number;
  /** Applied on-time within the current period, ms. */
  onMs: number;
}

export interface SensorFallbackState {
  /** By heater id; present only while that heater is in fallback. */
  duty: Record<string, FallbackDutyState>;
}

export function initialSensorFallbackState(): SensorFallbackState {
  return { duty: {} };
}

/**
 * Fault kind for a reading that is not `ok`. The stuck case is an `implausible` reading whose reason
 * says `stuck` (devices/reading.ts documents it that way; there is no separate code for it yet).
 */
export function sensorFaultKind(r: Reading): FaultKind | null {
  switch (r.quality) {
    case 'ok':
      return null;
    case 'stale':
      return 'sensor-stale';
    case 'missing':
      return 'sensor-missing';
    case 'implausible':
      return /\bstuck\b/i.test(r.reason ?? '') ? 'sensor-stuck' : 'sensor-implausible';
  }
}

function sensorFaults(input: TickInput): Fault[] {
  const { enc, m, ctx } = input;
  const out: Fault[] = [];
  const seen = new Set<string>();
  const add = (f: Fault): void => {
    if (seen.has(faultKey(f))) return;
    seen.add(faultKey(f));
    out.push(f);
  };
  for (const s of enc.sensors) {
    const readings = Object.values(m.bySensor[s.id] ?? {}).filter((r): r is Reading => r !== undefined);
    if (readings.length === 0) add(makeFault('sensor-missing', s.id, ctx.now, false, `${s.id}: no reading`));
    for (const r of readings) {
      const kind = sensorFaultKind(r);
      if (kind) add(makeFault(kind, s.id, ctx.now, false, `${s.id} ${r.quantity}: ${r.quality}${r.reason ? ` (${r.reason})` : ''}`));
    }
  }
  return out;
}

/** Evaluates sensor visibility faults and the fallback-duty check of every heater. */
export function evaluateSensorFallback(input: TickInput, prev: SensorFallbackState): InterlockOutcome<SensorFallbackState> {
  const { enc, m, plan, ctx, t, dt } = input;
  const fb = enc.climate.fallback;
  const periodMs = fb.heaterDutyPeriodMinutes * 60_000;
  const dutyPct = ctx.daytime ? fb.heaterDutyDayPct : fb.heaterDutyNightPct;
  const allowanceMs = (dutyPct / 100) * periodMs;
  const off: Restriction[] = [];
  const duty: Record<string, FallbackDutyState> = {};

  for (const h of enc.actuators.filter((a): a is HeaterConfig => a.kind === 'heater')) {
    const noTemp = heaterTemperature(h, m) === null;
    const noLimit = h.limit !== undefined && sensorTemperature(m, h.limit.sensor) === null;
    if (!noTemp && !noLimit) continue; // trustworthy again: accounting ends
    const p = prev.duty[h.id];
    let w: FallbackDutyState = p ? { ...p, onMs: p.onMs + (appliedOn(ctx, h.id) ? dt : 0) } : { windowStart: t, onMs: 0 };
    if (t - w.windowStart >= periodMs) w = { windowStart: t, onMs: 0 };
    duty[h.id] = w;
    if (!plannedOn(plan, h.id)) continue;
    if (!isFallbackReason(plan[h.id].reason)) {
      const why = noTemp ? `no trustworthy temperature (${h.sensors.join(', ')})` : `limit probe ${h.limit?.sensor} has no trustworthy reading`;
      off.push({ id: h.id, reason: `${why}: heater only under the fallback duty` });
    } else if (w.onMs >= allowanceMs) {
      off.push({ id: h.id, reason: `fallback duty ${dutyPct} % of ${fb.heaterDutyPeriodMinutes} min used up` });
    }
  }
  return { state: { duty }, off, faults: sensorFaults(input), latch: [] };
}
