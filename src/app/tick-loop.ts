import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../hal/clock.js';
import { describeError } from '../errors.js';

/**
 * When one tick ran, in monotonic ms: `dueAt` is when it should have started (one period after the
 * time the previous tick was scheduled for; the first tick is due when the loop starts), so
 * `startedAt - dueAt` is its lateness, periods skipped after an overrun or a stalled event loop
 * included.
 */
export interface TickTiming {
  dueAt: number;
  startedAt: number;
  endedAt: number;
}

/**
 * Runs `tick` every `periodMs` of monotonic time, on the injected clock. Ticks never overlap: a
 * slow tick delays the next one, and missed periods are skipped, not replayed in a burst (a
 * burst of heater decisions after a stall helps nobody). A tick that throws is logged and the
 * loop goes on; the tick itself is expected to catch at its own boundaries.
 */
export class TickLoop {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private nextDue = 0;
  /** Monotonic ms the last tick that ran was scheduled for (see {@link TickTiming}). */
  private lastScheduledFor = 0;
  /** Ticks completed since start. */
  count = 0;
  /** Monotonic ms when the last tick completed (watchdog, status). */
  lastCompletedAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly tick: () => Promise<void>,
    private readonly log: Logger,
    /** Told the timing of every completed tick (simulation report); must not throw. */
    private readonly onTiming?: (t: TickTiming) => void,
  ) {}

  /** Starts ticking; the first tick runs immediately. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.nextDue = this.clock.monotonic();
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.running = this.runOnce();
    }, delayMs);
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const startedAt = this.clock.monotonic();
    const scheduledFor = this.nextDue;
    const dueAt = this.count === 0 ? scheduledFor : this.lastScheduledFor + this.periodMs;
    try {
      await this.tick();
    } catch (e) {
      this.log.error({ err: describeError(e) }, 'control tick failed');
    }
    this.count++;
    const now = this.clock.monotonic();
    this.lastCompletedAt = now;
    this.lastScheduledFor = scheduledFor;
    this.onTiming?.({ dueAt, startedAt, endedAt: now });
    // Start-up marker (`npm run bench` measures process start to this line): outputs now follow control.
    if (this.count === 1) this.log.info({ tickMs: this.periodMs }, 'first control tick completed: outputs applied');
    if (this.stopped) return;
    this.nextDue += this.periodMs;
    if (this.nextDue <= now) {
      const skipped = Math.floor((now - this.nextDue) / this.periodMs) + 1;
      this.nextDue += skipped * this.periodMs;
      if (skipped > 1) this.log.warn({ skipped }, 'control tick overran its period; skipped ticks');
    }
    this.schedule(this.nextDue - now);
  }

  /** Stops ticking and waits for a tick in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }
}
