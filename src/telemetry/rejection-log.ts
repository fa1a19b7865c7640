import type { Logger } from 'pino';
import type { Clock } from '../hal/clock.js';

/** Interval of the rate-limited command log, ms: at most one detailed line and one summary per minute. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;

/**
 * Rate-limited logging of command outcomes: the first one of an interval is logged in full, the
 * rest are only counted, and the count (with the last one's details) is logged once the interval
 * is over (at the next {@link record} or {@link flush}). A flood of 1000 bad commands a second
 * thus writes two lines a minute instead of 60 000, which spares the SD card.
 */
export class RejectionLog {
  private windowStart: number | null = null;
  private suppressed = 0;
  private lastSuppressed: Record<string, unknown> | null = null;

  /**
   * @param level pino level of the lines
   * @param message the log message (`mqtt command rejected` by default)
   */
  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly level: 'warn' | 'info' = 'warn',
    private readonly message = 'mqtt command rejected',
  ) {}

  /** Logs or counts one outcome. */
  record(enclosureId: string, command: string, reason: string, extra: Record<string, unknown> = {}): void {
    this.flush();
    const line = { enclosureId, command, reason, ...extra };
    if (this.windowStart === null) {
      this.windowStart = this.clock.monotonic();
      this.log[this.level](line, this.message);
      return;
    }
    this.suppressed++;
    this.lastSuppressed = line;
  }

  /** Logs the count of the interval once it is over. Cheap; called every tick. */
  flush(): void {
    if (this.windowStart === null || this.clock.monotonic() - this.windowStart < REJECTION_LOG_INTERVAL_MS) return;
    if (this.suppressed > 0) this.log[this.level]({ count: this.suppressed, intervalS: REJECTION_LOG_INTERVAL_MS / 1000, last: this.lastSuppressed }, `${this.message}: ${this.suppressed} more in the last ${REJECTION_LOG_INTERVAL_MS / 1000} s`);
    this.windowStart = this.suppressed > 0 ? this.clock.monotonic() : null;
    this.suppressed = 0;
    this.lastSuppressed = null;
  }
}
