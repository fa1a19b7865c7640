import { TerrariumError } from '../errors.js';

/** {@link median} was asked for the median of nothing (a caller bug, never a reading). */
export class EmptyMedianError extends TerrariumError {
  constructor() {
    super('MEDIAN_EMPTY', 'median of an empty list');
  }
}

/**
 * Median of `values`: the middle value of the sorted list, or the mean of the two middle values for
 * an even count. A median-of-N filter rejects up to floor((N - 1) / 2) outliers in its window
 * (e.g. one spike in three samples), unlike a mean which a single 85 °C DS18B20 power-on value
 * drags by ~20 °C. Throws {@link EmptyMedianError} for an empty list (never returns NaN).
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new EmptyMedianError();
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
