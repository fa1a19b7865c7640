import { absoluteHumidityGPerM3 } from './psychrometrics.js';

/** The simulated room (config `hardware.sim.room`): °C by day and night, %RH. */
export interface RoomConfig {
  dayC: number;
  nightC: number;
  humidityPct: number;
}

/**
 * Local hour of the warmest room air. Indoor air follows the outdoor daily cycle with a lag; the
 * outdoor maximum is typically at 14:00-16:00 solar time and the minimum near sunrise
 * (WMO-No. 8 / standard diurnal cycle), so we put the maximum at 15:00 and the minimum at 03:00.
 */
export const ROOM_WARMEST_HOUR = 15;

/** Standard sea-level atmospheric pressure, Pa (ISO 2533). */
export const STANDARD_PRESSURE_PA = 101_325;

const TWO_PI = 2 * Math.PI;

/**
 * The room around the enclosures: air temperature on a smooth daily curve
 * T(h) = (day + night)/2 + (day - night)/2 · cos(2π (h - 15)/24), so it is `dayC` at 15:00 local,
 * `nightC` at 03:00, and has no steps (a real room has none); relative humidity is constant.
 * Pure: it holds only its configuration.
 */
export class RoomModel {
  private readonly meanC: number;
  private readonly amplitudeC: number;

  constructor(readonly config: RoomConfig) {
    this.meanC = (config.dayC + config.nightC) / 2;
    this.amplitudeC = (config.dayC - config.nightC) / 2;
  }

  /** Room air temperature, °C, at local hour `hour` (0 <= hour < 24, fractional). */
  temperatureC(hour: number): number {
    return this.meanC + this.amplitudeC * Math.cos((TWO_PI * (hour - ROOM_WARMEST_HOUR)) / 24);
  }

  /** Room relative humidity, %RH. */
  humidityPct(): number {
    return this.config.humidityPct;
  }

  /** Room absolute humidity, g/m³, at room temperature `tempC` °C. */
  absoluteHumidityGPerM3(tempC: number): number {
    return absoluteHumidityGPerM3(tempC, this.config.humidityPct);
  }

  /**
   * Barometric pressure, Pa: standard pressure with a small deterministic drift, a ±300 Pa
   * synoptic swing over 3.7 days (passing weather systems move pressure by a few hPa) plus the
   * ±60 Pa semi-diurnal atmospheric tide (S2, period 12 h, maxima near 10:00 and 22:00 local).
   * @param wallMs wall ms since epoch; @param hour local hour of day
   */
  pressurePa(wallMs: number, hour: number): number {
    const synoptic = 300 * Math.sin((TWO_PI * wallMs) / (3.7 * 86_400_000));
    const tide = 60 * Math.cos((TWO_PI * (hour - 10)) / 12);
    return STANDARD_PRESSURE_PA + synoptic + tide;
  }
}
