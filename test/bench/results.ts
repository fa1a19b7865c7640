import { performance } from 'node:perf_hooks';

/**
 * One benchmark figure as written to `bench-results.json`: the measured value, the reference it is
 * compared with (measured in the same run, so the ratio stays meaningful on a noisy machine), the
 * target and whether it was met.
 */
export interface Figure {
  /** Stable id, e.g. `sim-speed-1`. */
  id: string;
  name: string;
  value: number;
  unit: string;
  reference: { name: string; value: number; unit: string };
  /** value / reference.value (null when the reference is 0 or not comparable). */
  ratio: number | null;
  /** The target in words, e.g. `>= 100000 ticks/s`. */
  target: string;
  /** Whether the target was met; `null` for a figure that is only reported. */
  pass: boolean | null;
  /** How it was measured, and anything a reader needs to judge the number. */
  note?: string;
  /** Extra measured values (per-profile rows, percentiles...). */
  details?: Record<string, unknown>;
}

/** Builds a {@link Figure}, computing the ratio. */
export function figure(f: Omit<Figure, 'ratio'> & { ratio?: number | null }): Figure {
  const ratio = f.ratio !== undefined ? f.ratio : f.reference.value !== 0 && Number.isFinite(f.reference.value) ? f.value / f.reference.value : null;
  return { ...f, ratio };
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
    pass: false,
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
    f.pass === null ? '-' : f.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['figure', 'value', 'reference (same run)', 'ratio', 'target', 'result'];
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
