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
  const sorted = values.length <= SMALL && values.every(Number.isFinite) ? insertionSorted(values) : [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Up to this many values (a median-of-N filter holds at most 9) {@link insertionSorted} is used. */
const SMALL = 16;

/**
 * A sorted copy by insertion sort: the same ascending, stable order as `sort((a, b) => a - b)` for
 * finite numbers, several times faster for a handful of them (this runs for every sensor sample).
 */
function insertionSorted(values: readonly number[]): number[] {
  const out = values.slice();
  for (let i = 1; i < out.length; i++) {
    const x = out[i];
    let j = i - 1;
    while (j >= 0 && out[j] > x) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}
