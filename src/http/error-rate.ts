import type { ComponentHealth } from '../resilience/health-types.js';

/** Length of the error-rate window, ms (15 minutes). */
export const ERROR_RATE_WINDOW_MS = 15 * 60_000;

/** How often {@link ErrorRateWindow.sample} should be called, ms (once a minute). */
export const ERROR_RATE_SAMPLE_EVERY_MS = 60_000;

/**
 * The controller's I/O error rate over the last {@link ERROR_RATE_WINDOW_MS}, from the component
 * health counters (`ComponentHealth.counters`, summed over every component):
 * - an **operation** is one read, write or verification of a component (counter `reads`), its
 *   retries included; a **failed operation** is one that still failed after its retries
 *   (counter `failures`);
 * - `failuresPerMinute` = failed operations in the window / window length in minutes;
 * - `failureFraction` = failed operations / operations in the window, 0..1 (`null` when there
 *   was no operation);
 * - the window runs from `fromMono` to `toMono` (monotonic ms): from the newest once-a-minute
 *   sample at least 15 minutes old (so 15 to 16 minutes), or from the controller's start while it
 *   has run less than that.
 */
export interface ErrorRate {
  windowSeconds: number;
  operations: number;
  failures: number;
  failuresPerMinute: number;
  failureFraction: number | null;
  fromMono: number;
  toMono: number;
}

interface Totals {
  at: number;
  operations: number;
  failures: number;
}

/** Sums the operation and failure counters of every component. */
export function totals(at: number, health: readonly ComponentHealth[]): Totals {
  let operations = 0;
  let failures = 0;
  for (const h of health) {
    operations += h.counters.reads;
    failures += h.counters.failures;
  }
  return { at, operations, failures };
}

/**
 * Samples of the summed health counters, one a minute, kept for {@link ERROR_RATE_WINDOW_MS}
 * (at most 17 samples): the baseline the {@link ErrorRate} is measured against. The first sample
 * is zero at `startedAt` (counters count from the controller's start). Times are monotonic ms.
 * Costs nothing per tick: the owner calls {@link sample} on a clock timer.
 */
export class ErrorRateWindow {
  private readonly samples: Totals[];

  /** @param startedAt monotonic ms when the controller started (its counters were zero then) */
  constructor(startedAt: number) {
    this.samples = [{ at: startedAt, operations: 0, failures: 0 }];
  }

  /** Records the counters at monotonic `now` and drops samples no longer needed as a baseline. */
  sample(now: number, health: readonly ComponentHealth[]): void {
    this.samples.push(totals(now, health));
    // Keep the newest sample at or before the window's start (the baseline), drop older ones.
    while (this.samples.length > 1 && this.samples[1]!.at <= now - ERROR_RATE_WINDOW_MS) this.samples.shift();
  }

  /** The error rate from the baseline (the newest sample at least 15 min old, else the start) to `now`. */
  rate(now: number, health: readonly ComponentHealth[]): ErrorRate {
    const cur = totals(now, health);
    let base = this.samples[0]!;
    for (const s of this.samples) if (s.at <= now - ERROR_RATE_WINDOW_MS) base = s;
    const operations = Math.max(0, cur.operations - base.operations);
    const failures = Math.max(0, cur.failures - base.failures);
    const windowMs = Math.max(0, now - base.at);
    return {
      windowSeconds: windowMs / 1000,
      operations,
      failures,
      failuresPerMinute: windowMs > 0 ? failures / (windowMs / 60_000) : 0,
      failureFraction: operations > 0 ? failures / operations : null,
      fromMono: base.at,
      toMono: now,
    };
  }
}
