import type { Clock, TimerHandle } from './clock.js';

/**
 * The real clock: `Date.now()` for wall time, `performance.now()` for monotonic time and Node
 * timers. This is the one file in `src/` allowed to touch them.
 * Timers are `unref`'d so a pending timer never keeps a stopping process alive.
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(resolve, Math.max(0, ms));
    });
  }
}
