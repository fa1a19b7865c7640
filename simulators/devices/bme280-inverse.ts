import {
  compensateHumidity,
  compensatePressure,
  compensateTemperature,
  type Bme280Calibration,
  type Bme280RawData,
} from '../../src/drivers/bme280.js';

/** The true conditions at the sensor: °C, %RH, Pa. */
export interface Bme280TrueValues {
  temperatureC: number;
  humidityPct: number;
  pressurePa: number;
}

/**
 * Integer `x` in `[lo, hi]` whose `f(x)` is closest to `target`, for `f` monotonic (either way,
 * plateaus allowed), by the Illinois variant of regula falsi on a shrinking integer bracket. On these
 * near-linear formulas it needs about 5..10 evaluations where bisection needs 20 (the simulator
 * inverts on every noisy sample); the bracket guarantees it ends whatever the shape.
 */
export function solveMonotonic(f: (x: number) => number, lo: number, hi: number, target: number): number {
  let a = lo;
  let b = hi;
  let fa = f(lo);
  let fb = f(hi);
  const s = fb >= fa ? 1 : -1; // g(x) = s·(f(x) − target) is non-decreasing
  let ga = s * (fa - target);
  let gb = s * (fb - target);
  if (ga >= 0) return lo;
  if (gb <= 0) return hi;
  let side = 0;
  while (b - a > 1) {
    let m = Math.round(a - (ga * (b - a)) / (gb - ga));
    if (!(m > a)) m = a + 1;
    else if (!(m < b)) m = b - 1;
    const fm = f(m);
    const gm = s * (fm - target);
    if (gm < 0) {
      a = m;
      fa = fm;
      ga = gm;
      if (side < 0) gb /= 2; // Illinois: halve the stale end so the bracket closes from both sides
      side = -1;
    } else {
      b = m;
      fb = fm;
      gb = gm;
      if (side > 0) ga /= 2;
      side = 1;
    }
  }
  return Math.abs(fa - target) <= Math.abs(fb - target) ? a : b;
}

/**
 * The raw ADC values for which `compensate()` returns `values` (within one ADC step: about
 * 0.0003 °C, 0.2 Pa, 0.006 %RH with a typical calibration), by bisection on the monotonic
 * compensation formulas: adcT first, then adcP and adcH with its t_fine. Values outside what the
 * ADC range can express saturate at the range ends.
 */
export function invertCompensation(cal: Bme280Calibration, values: Bme280TrueValues): Bme280RawData {
  const adcT = solveMonotonic((x) => compensateTemperature(cal, x).temperatureC, 0, 0xfffff, values.temperatureC);
  const { tFine } = compensateTemperature(cal, adcT);
  const adcP = solveMonotonic((x) => compensatePressure(cal, x, tFine), 0, 0xfffff, values.pressurePa);
  const adcH = solveMonotonic((x) => compensateHumidity(cal, x, tFine), 0, 0xffff, values.humidityPct);
  return { adcP, adcT, adcH };
}
