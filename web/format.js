// Formatting helpers: units as the controller reports them (°C, %RH, wall ms).

export function celsius(v) {
  return typeof v === 'number' ? `${v.toFixed(1)} °C` : '–';
}

export function percent(v) {
  return typeof v === 'number' ? `${v.toFixed(0)} %RH` : '–';
}

/** A wall time (ms) as a short local date and time, or a dash. */
export function when(ms) {
  if (typeof ms !== 'number') return '–';
  const d = new Date(ms);
  return d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Position of `v` between `lo` and `hi` as a 0..100 percentage, clamped. */
export function pct(v, lo, hi) {
  if (typeof v !== 'number' || hi <= lo) return 0;
  return Math.min(100, Math.max(0, ((v - lo) / (hi - lo)) * 100));
}
