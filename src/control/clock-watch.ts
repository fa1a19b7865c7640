/**
 * Watches the wall clock against monotonic time, so that everything stamped with wall time
 * (feeding records) stays on one consistent timeline whatever the clock does, and so that the
 * controller knows when the wall clock cannot be trusted.
 *
 * A Raspberry Pi has no RTC: it boots at the time `fake-hwclock` saved (possibly days old when
 * there is no network), and systemd-timesyncd steps the clock when NTP answers. Monotonic time
 * (`CLOCK_MONOTONIC`) never steps. Per tick:
 * - within one process the step is exact: wall progress minus monotonic progress
 *   (`detectClockJump` in clock-plausibility.ts); a step beyond {@link CLOCK_STEP_TOLERANCE_MS}
 *   is reported as `stepMs` so wall-stamped records can be shifted by it (they then mean the same
 *   real instants on the new timeline);
 * - across a restart only a backward step is certain: the wall clock reads earlier than the last
 *   wall time this controller saw. It is reported as a step of `now - lastWall` (as if the
 *   controller had been down for no time: the shifted records then look as recent as they can
 *   possibly be, which is the safe side for "too soon to feed again"). A forward step while the
 *   controller is down cannot be told from downtime; the feeding rules guard that case with run
 *   time (feeding.ts).
 * - After any backward step the clock is not trusted until it reads at least the latest wall time
 *   seen before the step (`behindUntil`): either it was wrong before or it is wrong now, and until
 *   it has caught up (NTP corrected it, or that much real time passed) no scheduled feed runs. An
 *   acknowledgement by a person clears the distrust ({@link trustClock}).
 * State is plain JSON, persisted with the guard state.
 */

/** Wall-vs-monotonic disagreement within one tick that counts as a step, ms (NTP slews far less; tick jitter is read-to-read). */
export const CLOCK_STEP_TOLERANCE_MS = 5_000;

/** What the watch remembers (wall ms). */
export interface ClockWatchState {
  /** Wall time at the previous tick (also across restarts), or null before the first. */
  lastWall: number | null;
  /** The clock is behind a wall time already seen: untrusted until it reads at least this. */
  behindUntil: number | null;
}

export function initialClockWatchState(): ClockWatchState {
  return { lastWall: null, behindUntil: null };
}

/** One tick's verdict. */
export interface ClockWatchVerdict {
  /** Wall step detected at this tick, ms (0: none; negative: the clock went back). */
  stepMs: number;
  /** False while the clock is behind a wall time already seen. */
  trusted: boolean;
  /** True when the step was found across a restart (a lower bound of its size). */
  acrossRestart: boolean;
}

/**
 * Advances the watch by one tick.
 * @param now wall ms now
 * @param dtMono monotonic ms since the previous tick of this process, or null on the first tick of
 *   a process (the gap to the previous process is unknown)
 */
export function stepClockWatch(prev: ClockWatchState, now: number, dtMono: number | null): { state: ClockWatchState; verdict: ClockWatchVerdict } {
  let stepMs = 0;
  let acrossRestart = false;
  let behindUntil = prev.behindUntil;
  if (prev.lastWall !== null) {
    if (dtMono !== null) {
      const d = now - prev.lastWall - dtMono;
      if (Math.abs(d) > CLOCK_STEP_TOLERANCE_MS) stepMs = d;
    } else if (now < prev.lastWall - CLOCK_STEP_TOLERANCE_MS) {
      stepMs = now - prev.lastWall;
      acrossRestart = true;
    }
    if (stepMs < 0) {
      const shouldRead = prev.lastWall + (dtMono ?? 0);
      behindUntil = Math.max(behindUntil ?? Number.NEGATIVE_INFINITY, shouldRead);
    }
  }
  if (behindUntil !== null && now >= behindUntil) behindUntil = null;
  return { state: { lastWall: now, behindUntil }, verdict: { stepMs, trusted: behindUntil === null, acrossRestart } };
}

/** A person confirmed the clock (acknowledgement): the distrust after a backward step ends. */
export function trustClock(state: ClockWatchState): ClockWatchState {
  return { ...state, behindUntil: null };
}
