import type { Clock, TimerHandle } from '../hal/clock.js';
import type { AlertDraft } from './types.js';

interface Window {
  /** Monotonic ms the window ends. */
  until: number;
  folded: number;
  last: AlertDraft | null;
  timer: TimerHandle | null;
}

/**
 * At most one alert per (enclosure, kind) per window of `windowMs` (monotonic). The first alert
 * passes at once and opens the window; repeats inside it are held back and counted; when the
 * window ends the latest repeat goes out carrying the count (`folded`), and opens the next window.
 * So a flapping float switch sends one alert, then one every window with how often it repeated.
 * `windowMs` 0: every alert passes.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    /** Receives what passes, with how many repeats it stands for besides itself. */
    private readonly emit: (draft: AlertDraft, folded: number) => void,
  ) {}

  /** Passes `draft` now or holds it back (cheap: a map lookup, at most one timer per key). */
  offer(draft: AlertDraft): void {
    if (this.windowMs <= 0) return this.emit(draft, 0);
    const key = `${draft.enclosureId ?? ''}\u0000${draft.kind}`;
    const now = this.clock.monotonic();
    const w = this.windows.get(key);
    if (!w || now >= w.until) {
      this.windows.set(key, { until: now + this.windowMs, folded: 0, last: null, timer: null });
      this.emit(draft, 0);
      return;
    }
    w.folded += 1;
    w.last = draft;
    w.timer ??= this.clock.setTimeout(() => this.release(key), w.until - now);
  }

  /** Sends every held-back repeat now (at stop, so nothing counted is lost) and cancels the timers. */
  flush(): void {
    for (const key of [...this.windows.keys()]) {
      const w = this.windows.get(key);
      w?.timer?.cancel();
      if (w?.last) this.emit(w.last, w.folded - 1);
    }
    this.windows.clear();
  }

  /** The window of `key` ended: its latest repeat goes out with the count, opening a new window. */
  private release(key: string): void {
    const w = this.windows.get(key);
    if (!w?.last) return;
    this.windows.set(key, { until: this.clock.monotonic() + this.windowMs, folded: 0, last: null, timer: null });
    this.emit(w.last, w.folded - 1);
  }
}
