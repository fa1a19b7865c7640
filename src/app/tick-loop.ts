import type { Logger } from 'pino';
import type { Clock } from '../hal/clock.js';
import { PeriodicTask } from '../devices/periodic-task.js';
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
 * tick that returns a promise delays the next one until it settles, and missed periods are
 * skipped, not replayed in a burst (a burst of heater decisions after a stall helps nobody). The
 * controller's tick is synchronous (sensors sample beside it, outputs are written off it), so it
 * holds the period whatever the I/O does. A tick that throws is logged and the loop goes on; the
 * tick itself is expected to catch at its own boundaries.
 */
export class TickLoop {
  private readonly task: PeriodicTask;
  private started = false;
  /** Skipped periods already logged. */
  private reportedSkips = 0;
  /** Monotonic ms the last tick that ran was scheduled for (see {@link TickTiming}). */
  private lastScheduledFor = 0;
  /** The running tick's due time and start, monotonic ms. */
  private runDueAt = 0;
  private runStartedAt = 0;
  /** Ticks completed since start. */
  count = 0;
  /** Monotonic ms when the last tick completed (watchdog, status). */
  lastCompletedAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly tick: () => void | Promise<void>,
    private readonly log: Logger,
    /** Told the timing of every completed tick (simulation report); must not throw. */
    private readonly onTiming?: (t: TickTiming) => void,
  ) {
    this.task = new PeriodicTask(clock, periodMs, this.runOnce);
  }

  /** Starts ticking; the first tick runs immediately. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.task.start(0);
  }

  private readonly runOnce = (): void | Promise<void> => {
    const scheduledFor = this.task.scheduledFor;
    this.runDueAt = this.count === 0 ? scheduledFor : this.lastScheduledFor + this.periodMs;
    this.lastScheduledFor = scheduledFor;
    this.runStartedAt = this.clock.monotonic();
    let out: void | Promise<void> = undefined;
    try {
      out = this.tick();
    } catch (e) {
      this.failed(e);
    }
    if (out === undefined) return this.completed();
    return out.then(this.completed, (e: unknown) => {
      this.failed(e);
      this.completed();
    });
  };

  private failed(e: unknown): void {
    this.log.error({ err: describeError(e) }, 'control tick failed');
  }

  private readonly completed = (): void => {
    this.count++;
    const now = this.clock.monotonic();
    this.lastCompletedAt = now;
    this.onTiming?.({ dueAt: this.runDueAt, startedAt: this.runStartedAt, endedAt: now });
    // Start-up marker (`npm run bench` measures process start to this line): outputs now follow control.
    if (this.count === 1) this.log.info({ tickMs: this.periodMs }, 'first control tick completed: outputs applied');
    const skipped = this.task.skipped;
    if (skipped > this.reportedSkips) {
      this.log.warn({ skipped: skipped - this.reportedSkips }, 'control tick overran its period; skipped ticks');
      this.reportedSkips = skipped;
    }
  };

  /** Stops ticking and waits for a tick in progress to finish. */
  async stop(): Promise<void> {
    this.started = false;
    await this.task.stop();
  }
}
