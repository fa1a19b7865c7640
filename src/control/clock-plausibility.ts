/**
 * Is the wall clock believable? A Raspberry Pi has no RTC: it boots at 1970 or at the time
 * `fake-hwclock` saved at the last shutdown, and jumps when NTP (systemd-timesyncd) syncs
 * (no feeding and a safe lighting default until time is plausible).
 *
 * {@link isClockPlausible} is a necessary check, not a sufficient one: a fake-hwclock time after the
 * floor passes it. {@link detectClockJump} catches the step when the real time arrives, so the app
 * can log it once and re-evaluate (feeding guards against double feeds on its own; see feeding.ts).
 */

/**
 * True when `now` (wall ms) is a finite time at or after `floor` (wall ms), typically the build date
 * of the running release: the clock cannot be earlier than the software it runs.
 */
export function isClockPlausible(now: number, floor: number): boolean {
  return Number.isFinite(now) && Number.isFinite(floor) && now >= floor;
}

/** Result of {@link detectClockJump}: `none`, or the wall-clock step beyond monotonic progress. */
export type ClockJump = { kind: 'none' } | { kind: 'forward' | 'backward'; deltaMs: number };

/**
 * Compares wall-clock progress with monotonic progress between two observations. Wall time should
 * advance like monotonic time; a difference larger than `toleranceMs` is a step (NTP sync, RTC-less
 * boot corrected, an operator's `date -s`). DST changes do not show: wall ms are UTC.
 * @param prevWall wall ms at the previous observation
 * @param prevMono monotonic ms at the previous observation
 * @param now wall ms now
 * @param mono monotonic ms now (same process as `prevMono`)
 * @param toleranceMs allowed drift, ms (e.g. 2 s per tick for slewing NTP and scheduling jitter)
 * @returns the jump, `deltaMs` = wall progress - monotonic progress (positive: forward)
 */
export function detectClockJump(prevWall: number, prevMono: number, now: number, mono: number, toleranceMs: number): ClockJump {
  const deltaMs = now - prevWall - (mono - prevMono);
  if (Math.abs(deltaMs) <= toleranceMs) return { kind: 'none' };
  return { kind: deltaMs > 0 ? 'forward' : 'backward', deltaMs };
}
