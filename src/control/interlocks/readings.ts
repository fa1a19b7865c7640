import type { HeaterConfig } from '../../config/enclosure-schema.js';
import type { Reading } from '../../devices/reading.js';
import type { Measurements } from '../types.js';

/** A trustworthy temperature: which sensor, and its value in °C. */
export interface TemperaturePoint {
  sensorId: string;
  valueC: number;
}

/**
 * A reading the guard may act on: quality `ok` and a finite value. Stale, implausible, stuck and
 * missing readings are never trusted (One control tick: reject implausible, stale and
 * stuck values); in particular they never count as "cold" or "hot".
 */
export function isTrustworthy(r: Reading | null | undefined): r is Reading & { value: number } {
  return r != null && r.quality === 'ok' && r.value !== null && Number.isFinite(r.value);
}

/** The trustworthy temperature of one sensor, or `null`. */
export function sensorTemperature(m: Measurements, sensorId: string): TemperaturePoint | null {
  const r = m.bySensor[sensorId]?.temperature;
  return isTrustworthy(r) ? { sensorId, valueC: r.value } : null;
}

/**
 * The temperature a heater is controlled on: the first trustworthy reading among `heater.sensors`
 * (primary first), as the thermostat picks it; `null` when none is trustworthy.
 */
export function heaterTemperature(heater: HeaterConfig, m: Measurements): TemperaturePoint | null {
  for (const id of heater.sensors) {
    const p = sensorTemperature(m, id);
    if (p) return p;
  }
  return null;
}

/**
 * Every trustworthy temperature of the enclosure (air and every probe, limit probes included), one
 * per sensor, plus the fused `m.temperature` when its sensor is not listed in `bySensor`.
 */
export function allTemperatures(m: Measurements): TemperaturePoint[] {
  const out: TemperaturePoint[] = [];
  let fusedListed = false;
  const fused = isTrustworthy(m.temperature) ? m.temperature : null;
  for (const sensorId in m.bySensor) {
    const r = m.bySensor[sensorId].temperature;
    if (!isTrustworthy(r)) continue;
    out.push({ sensorId, valueC: r.value });
    if (sensorId === fused?.sensorId) fusedListed = true;
  }
  if (fused && !fusedListed) out.push({ sensorId: fused.sensorId, valueC: fused.value });
  return out;
}

/** Formats °C for fault messages and reasons: `36.2 °C`. */
export function fmtC(v: number): string {
  return `${(Math.round(v * 10) / 10).toFixed(1)} °C`;
}
