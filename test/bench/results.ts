import { performance } from 'node:perf_hooks';

/** `{ min, median, max, n, rounds }` of a repeated measurement. */
export interface Summary {
  min: number;
  median: number;
  max: number;
  n: number;
  rounds: number[];
}

/**
 * A target as a comparison: `of` is what is compared, the figure's value or its excess over the
 * reference (e.g. RSS above a bare node's), against `limit` (in the figure's unit).
 */
export interface TargetSpec {
  op: '<=' | '>=';
  limit: number;
  of: 'value' | 'value - reference';
}

/**
 * One benchmark figure as written to `bench-results.json`: the measured value (the median of its
 * rounds where there are rounds, see `stats`), the reference it is compared with (measured the
 * same way in the same run, so the comparison stays meaningful on a noisy machine), the target,
 * whether it was met and, when not, by how much; `method` says how it was measured.
 */
export interface Figure {
  /** Stable id, e.g. `sim-speed-1`. */
  id: string;
  name: string;
  value: number;
  unit: string;
  /** Min, median and max over the rounds (value = median), when measured in rounds. */
  stats?: Summary;
  reference: { name: string; value: number; unit: string; stats?: Summary };
  /** value / reference.value (null when the reference is 0 or not comparable). */
  ratio: number | null;
  /** The target in words, e.g. `>= 100,000 simulated s per CPU s`. */
  target: string;
  /** The target as a comparison (null for a figure that is only reported). */
  targetSpec: TargetSpec | null;
  /** Whether the target was met; `null` for a figure that is only reported. */
  pass: boolean | null;
  /** How far the compared quantity is on the wrong side of the limit (in `unit`, and as % of the limit); null when met or reported only. */
  miss: { by: number; unit: string; pct: number } | null;
  /** How it was measured: what runs, which window, which statistic, and how the reference was measured. */
  method: string;
  /** Anything else a reader needs to judge the number. */
  note?: string;
  /** Extra measured values (per-profile rows, percentiles...). */
  details?: Record<string, unknown>;
}

/** Builds a {@link Figure}: the ratio, and pass/miss from `targetSpec`. */
export function figure(f: Omit<Figure, 'ratio' | 'pass' | 'miss'> & { ratio?: number | null; pass?: boolean | null }): Figure {
  const ratio = f.ratio !== undefined ? f.ratio : f.reference.value !== 0 && Number.isFinite(f.reference.value) ? f.value / f.reference.value : null;
  let pass: boolean | null = f.pass ?? null;
  let miss: Figure['miss'] = null;
  const t = f.targetSpec;
  if (t) {
    const compared = t.of === 'value' ? f.value : f.value - f.reference.value;
    const by = t.op === '<=' ? compared - t.limit : t.limit - compared;
    pass = Number.isFinite(compared) && by <= 0 && (f.pass ?? true);
    if (by > 0) miss = { by, unit: f.unit, pct: (100 * by) / Math.abs(t.limit) };
  }
  return { ...f, ratio, pass, miss };
}

/** A figure that could not be measured (the error is the note). */
export function failedFigure(id: string, name: string, target: string, err: unknown): Figure {
  return {
    id,
    name,
    value: Number.NaN,
    unit: '',
    reference: { name: '-', value: Number.NaN, unit: '' },
    ratio: null,
    target,
    targetSpec: null,
    pass: false,
    miss: null,
    method: '-',
    note: `not measured: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  };
}

/** Rounds for display: 3 significant digits below 1000, integers above. */
export function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** The figures as a Markdown table (also what `npm run bench` prints). */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`.trim(),
    `${f.reference.name}: ${fmt(f.reference.value)} ${f.reference.unit}`.trim(),
    f.ratio === null ? '-' : fmt(f.ratio),
    f.target,
    f.stats ? `${fmt(f.stats.min)} / ${fmt(f.stats.median)} (${f.stats.n})` : '-',
    f.pass === null ? '-' : f.pass ? 'pass' : f.miss ? `FAIL by ${fmt(f.miss.by)} ${f.miss.unit}`.trim() : 'FAIL',
  ]);
  const head = ['figure', 'value', 'reference (same run)', 'ratio', 'target', 'min / median (n)', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Runs one measurement, logging its duration to stderr; a measurement that throws becomes a
 * {@link failedFigure} (the other figures are still measured and written).
 */
export async function attempt(id: string, name: string, target: string, fn: () => Promise<Figure | Figure[]>): Promise<Figure[]> {
  const t0 = performance.now();
  try {
    const f = await fn();
    process.stderr.write(`bench: ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    return Array.isArray(f) ? f : [f];
  } catch (e) {
    process.stderr.write(`bench: ${name} FAILED: ${(e as Error).message}\n`);
    return [failedFigure(id, name, target, e)];
  }
}
