import type { EnclosureConfig } from '../config/load.js';
import type { Reading, ReadingsBySensor } from '../devices/reading.js';
import type { Measurements, Quantity } from './types.js';

/** True for a reading the controllers may act on: quality `ok` and a finite value. */
export function isTrustworthy(r: Reading | null | undefined): r is Reading & { value: number } {
  return r !== null && r !== undefined && r.quality === 'ok' && typeof r.value === 'number' && Number.isFinite(r.value);
}

/**
 * The effective reading among `readings`, given in order of preference (primary probe first): the
 * first trustworthy one ({@link isTrustworthy}). Never a stale, implausible (incl. stuck) or missing
 * reading: when none is `ok` the result is `null`, and `null` is what makes the planner use the
 * profile's fallback rule. Holes (`undefined`) are skipped.
 */
export function effectiveReading(readings: ReadonlyArray<Reading | undefined>): Reading | null {
  for (const r of readings) if (isTrustworthy(r)) return r;
  return null;
}

/** `quantity` readings of `sensorIds` in that order (sensors without one are left out). */
export function readingsOf(bySensor: ReadingsBySensor, sensorIds: readonly string[], quantity: Quantity): Reading[] {
  const out: Reading[] = [];
  for (const id of sensorIds) {
    const r = bySensor[id]?.[quantity];
    if (r) out.push(r);
  }
  return out;
}

/**
 * `bySensor` with the temperature of every `distrusted` sensor marked `implausible` (reason
 * "distrusted by diagnosis"), so that neither the thermostat, nor a heater's sensor list, nor a limit
 * probe uses it: control falls back to the next sensor of each list. The input is not modified.
 */
export function withoutDistrusted(bySensor: ReadingsBySensor, distrusted: ReadonlySet<string>): ReadingsBySensor {
  const out: ReadingsBySensor = { ...bySensor };
  for (const id of distrusted) {
    const r = out[id]?.temperature;
    if (r && r.quality === 'ok') out[id] = { ...out[id], temperature: { ...r, quality: 'implausible', reason: 'distrusted by diagnosis (disagrees with the other sensors and the enclosure model)' } };
  }
  return out;
}

/**
 * Fuses one tick's readings of an enclosure into one effective measurement per quantity:
 * - temperature: the first heater's `sensors` list (its thermostat's preference order), else every
 *   air-placed sensor in config order (BME280 and DS18B20 both measure temperature; surface probes
 *   measure a basking spot, not the air);
 * - humidity: `enc.humiditySensors` in order (default: every BME280);
 * - pressure: the BME280s in config order.
 * Each is the first trustworthy reading of its list, or `null` ({@link effectiveReading}).
 * Sensors in `distrusted` (the enclosure diagnosis, `src/model/diagnosis.ts`) are skipped for
 * temperature everywhere ({@link withoutDistrusted}).
 */
export function fuseMeasurements(enc: EnclosureConfig, bySensor: ReadingsBySensor, distrusted?: ReadonlySet<string>): Measurements {
  if (distrusted && distrusted.size > 0) bySensor = withoutDistrusted(bySensor, distrusted);
  const heater = enc.actuators.find((a) => a.kind === 'heater');
  const tempSensors = heater?.kind === 'heater' ? heater.sensors : enc.sensors.filter((s) => s.placement === 'air').map((s) => s.id);
  const bmes = enc.sensors.filter((s) => s.type === 'bme280').map((s) => s.id);
  return {
    temperature: effectiveReading(readingsOf(bySensor, tempSensors, 'temperature')),
    humidity: effectiveReading(readingsOf(bySensor, enc.humiditySensors, 'humidity')),
    pressure: effectiveReading(readingsOf(bySensor, bmes, 'pressure')),
    bySensor,
  };
}
