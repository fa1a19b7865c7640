import type { ModeInterval, TimelineMode } from './types.js';

/**
 * The mode timeline of one enclosure: one interval per change, so memory grows with mode changes,
 * not ticks. Each interval runs from the first tick (or runner notice) in that mode to the first
 * in the next; the last one is closed at the end of the run.
 */
export class ModeTimeline {
  private readonly closed: ModeInterval[] = [];
  private current: { mode: TimelineMode; from: number } | null = null;

  /** The mode at wall ms `at`; a no-op while it is unchanged. */
  set(at: number, mode: TimelineMode): void {
    const c = this.current;
    if (c && c.mode === mode) return;
    if (c) this.closed.push({ mode: c.mode, from: c.from, to: at });
    this.current = { mode, from: at };
  }

  /** The mode now, `null` before the first. */
  get mode(): TimelineMode | null {
    return this.current?.mode ?? null;
  }

  /** The intervals, the one in progress closed at wall ms `end`. */
  result(end: number): ModeInterval[] {
    const c = this.current;
    return c ? [...this.closed, { mode: c.mode, from: c.from, to: Math.max(end, c.from) }] : [...this.closed];
  }
}
