/** Steps of the escalation ladder, in order. */
export type RecoveryStep = 'retry' | 'reset' | 'restart' | 'fallback' | 'manual';

/** Timing of the ladder, ms. Defaults fit a 1 s control tick and the 30 s recovery target. */
export interface LadderPolicy {
  /** Wait after detection before the first action: the component's own retries and breaker probe get a chance (step "retry"). */
  retryWaitMs: number;
  /** Wait after a reset that did not bring the component back, before the restart. */
  afterResetMs: number;
  /**
   * First wait between restarts once in fallback; doubles up to `maxRestartIntervalMs`. A failed
   * restart leaves the driver uninitialised, so nothing but the next restart notices that the
   * device is back: the cap bounds the time to recover after a fault clears.
   */
  restartIntervalMs: number;
  maxRestartIntervalMs: number;
  /** Time in fallback after which the component is latched for a person (step "manual"). */
  manualAfterMs: number;
  /**
   * Slowest cadence of restarts once latched for a person, ms: restarts never stop (the latch is a
   * record for the keeper, not the end of recovery); their wait keeps doubling from
   * `maxRestartIntervalMs` up to this, so a component that is plugged back in after any absence is
   * used again within this time, while a dead one costs one cheap attempt per interval.
   */
  slowRestartIntervalMs: number;
  /** Budget of one recovery action, ms; a hung action counts as failed. */
  actionTimeoutMs: number;
}

export const DEFAULT_LADDER: Readonly<LadderPolicy> = {
  retryWaitMs: 5_000,
  afterResetMs: 5_000,
  restartIntervalMs: 10_000,
  // 20 s: a restart plus the 3 good samples back to healthy (1 s ticks) stays within the 30 s
  // recovery target however long the fault lasted. A restart is cheap (reopen the bus,
  // read the chip id, reload calibration; a few NACKed transfers while the device is away).
  maxRestartIntervalMs: 20_000,
  manualAfterMs: 30 * 60_000,
  // 5 min: a device gone for hours is found again within minutes of its return (own choice; a
  // restart attempt on an absent device is a few NACKed transfers or one failed file open).
  slowRestartIntervalMs: 5 * 60_000,
  actionTimeoutMs: 15_000,
};

/** Where one component is on its ladder. Monotonic ms. */
export interface LadderState {
  step: RecoveryStep;
  /** When the fault was detected (monotonic ms) and (wall ms) for the history. */
  detectedMono: number;
  detectedAt: number;
  /** Next action not before this monotonic time. */
  nextAt: number;
  /** Current wait between restart attempts in fallback. */
  restartIntervalMs: number;
  /** When the component entered fallback (monotonic), or null. */
  fallbackSince: number | null;
  /** The fault that started the ladder, one line. */
  fault: string;
}

/** A ladder for a fault just detected at `mono` / `now`. */
export function startLadder(mono: number, now: number, fault: string, policy: LadderPolicy): LadderState {
  return { step: 'retry', detectedMono: mono, detectedAt: now, nextAt: mono + policy.retryWaitMs, restartIntervalMs: policy.restartIntervalMs, fallbackSince: null, fault };
}

/**
 * The action due at `mono`, or null when waiting. Pure: the supervisor performs the action and
 * then calls {@link afterAction}.
 * - retry -> reset (when the component has one) -> restart -> fallback (restarts keep coming with
 *   doubling waits) -> manual after `manualAfterMs` in fallback -> restarts go on in `manual`, their
 *   wait doubling up to `slowRestartIntervalMs`, however long the component stays gone (recovery
 *   never gives up; the person is told, and the ladder ends when the component is healthy again).
 */
export function dueAction(s: LadderState, mono: number, hasReset: boolean, policy: LadderPolicy): 'reset' | 'restart' | 'manual' | null {
  if (mono < s.nextAt) return null;
  if (s.step === 'manual') return 'restart';
  if (s.step === 'retry') return hasReset ? 'reset' : 'restart';
  if (s.step === 'reset') return 'restart';
  if (s.step === 'restart') return 'restart';
  if (s.fallbackSince !== null && mono - s.fallbackSince >= policy.manualAfterMs) return 'manual';
  return 'restart';
}

/** Advances the ladder after `action` failed to bring the component back. */
export function afterAction(s: LadderState, action: 'reset' | 'restart' | 'manual', mono: number, policy: LadderPolicy): LadderState {
  if (action === 'manual') return { ...s, step: 'manual', nextAt: mono + s.restartIntervalMs };
  if (s.step === 'manual') {
    const slow = Math.min(policy.slowRestartIntervalMs, Math.max(s.restartIntervalMs, policy.restartIntervalMs) * 2);
    return { ...s, restartIntervalMs: slow, nextAt: mono + slow };
  }
  if (action === 'reset') return { ...s, step: 'reset', nextAt: mono + policy.afterResetMs };
  if (s.step !== 'fallback') return { ...s, step: 'fallback', fallbackSince: mono, nextAt: mono + s.restartIntervalMs };
  const next = Math.min(policy.maxRestartIntervalMs, s.restartIntervalMs * 2);
  return { ...s, restartIntervalMs: next, nextAt: mono + next };
}
