/** Summary statistics of the benchmark's repeated measurements. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function min(xs: readonly number[]): number {
  return xs.length ? Math.min(...xs) : Number.NaN;
}

export function max(xs: readonly number[]): number {
  return xs.length ? Math.max(...xs) : Number.NaN;
}

/** `{ min, median, max, n, rounds }` of `xs`, the form every repeated figure reports. */
export function summary(xs: readonly number[]): { min: number; median: number; max: number; n: number; rounds: number[] } {
  return { min: min(xs), median: median(xs), max: max(xs), n: xs.length, rounds: [...xs] };
}
