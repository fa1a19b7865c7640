import type { Clock } from '../hal/clock.js';

/** What a probe answers: `ok` maps to HTTP 200, otherwise 503 with `reason`. */
export interface ProbeResult {
  ok: boolean;
  reason?: string;
}

/** The controller as the probes see it. Times are monotonic ms ({@link Clock.monotonic}). */
export interface ProbeSource {
  clock: Clock;
  /** Control tick period, ms. */
  periodMs: number;
  /** Monotonic ms when the controller finished starting (ages count from here before the first tick). */
  startedAt: number;
  /** Ticks completed and the monotonic time of the last one. */
  progress(): { ticks: number; lastTickMono: number | undefined };
  /** True once shutdown began (outputs are being driven safe). */
  stopping(): boolean;
}

/** Periods without a completed tick after which the loop is not live. */
export const LIVE_PERIODS = 3;

/**
 * Liveness: ok while a control tick completed within {@link LIVE_PERIODS} tick periods of
 * monotonic time (counting from `startedAt` before the first tick). A stalled loop answers 503.
 */
export function liveness(s: ProbeSource): ProbeResult {
  const last = s.progress().lastTickMono;
  const age = s.clock.monotonic() - (last ?? s.startedAt);
  const limit = LIVE_PERIODS * s.periodMs;
  if (age <= limit) return { ok: true };
  return { ok: false, reason: `${last === undefined ? 'no control tick has completed' : 'no control tick completed'} for ${Math.round(age)} ms (limit ${limit} ms)` };
}

/** Readiness: ok once the controller started and its first tick completed; not ok during shutdown. */
export function readiness(s: ProbeSource): ProbeResult {
  if (s.stopping()) return { ok: false, reason: 'shutting down' };
  if (s.progress().ticks === 0) return { ok: false, reason: 'waiting for the first control tick' };
  return { ok: true };
}
