import type { Clock, TimerHandle } from '../hal/clock.js';

/**
 * Runs `run` every `periodMs` of monotonic time on the injected clock, at a fixed rate (due times
 * are `start + k * periodMs`, so the cadence does not drift by the run's own duration). Runs never
 * overlap: a run still going when the next is due delays it, and the periods it overran are
 * skipped, not replayed in a burst. `run` must not reject (an error is its own to record); a
 * synchronous `run` costs no promise.
 */
export class PeriodicTask {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private nextDue = 0;
  /** Periods skipped because a run overran, since start. */
  skipped = 0;

  /** Monotonic ms the current (or last) run was scheduled for. */
  get scheduledFor(): number {
    return this.nextDue;
  }

  /**
   * @param clock monotonic time and timers
   * @param periodMs cadence, ms (> 0)
   * @param run the work of one period
   */
  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly run: () => void | Promise<void>,
  ) {
    if (!(periodMs > 0)) throw new RangeError(`PeriodicTask: period must be > 0 ms, got ${periodMs}`);
  }

  /** Starts the cadence; the first run is `firstDelayMs` (default 0) from now. No-op when running. */
  start(firstDelayMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.nextDue = this.clock.monotonic() + firstDelayMs;
    this.timer = this.clock.setTimeout(this.fire, firstDelayMs);
  }

  /** Stops the cadence and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  private readonly fire = (): void => {
    if (this.stopped) return;
    const out = this.run();
    if (out === undefined) this.scheduleNext();
    else this.running = out.then(this.afterAsyncRun);
  };

  private readonly afterAsyncRun = (): void => {
    this.running = undefined;
    this.scheduleNext();
  };

  private scheduleNext(): void {
    if (this.stopped) return;
    const now = this.clock.monotonic();
    this.nextDue += this.periodMs;
    if (this.nextDue <= now) {
      const missed = Math.floor((now - this.nextDue) / this.periodMs) + 1;
      this.nextDue += missed * this.periodMs;
      this.skipped += missed;
    }
    this.timer = this.clock.setTimeout(this.fire, this.nextDue - now);
  }
}
