/** A cancellable timer handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Cancels the timer; calling it after the timer fired, or twice, is a no-op. */
  cancel(): void;
}

/**
 * The only source of time in the controller. Production code gets
 * `SystemClock`; tests and `terrarium simulate` get `VirtualClock` from `simulators/`, which
 * advances instantly so a simulated week runs in seconds.
 */
export interface Clock {
  /** Wall-clock time in ms since the Unix epoch (may jump: NTP, RTC-less boot, DST does not). */
  now(): number;
  /** Monotonic time in ms from an arbitrary origin; never goes backwards. Use it for durations. */
  monotonic(): number;
  /** Calls `fn` once after `ms` milliseconds of monotonic time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Resolves after `ms` milliseconds of monotonic time. */
  sleep(ms: number): Promise<void>;
}

/**
 * Races `promise` against a timer on `clock`. Rejects with `onTimeout()` if `ms` elapse first;
 * the timer is always cancelled so nothing leaks.
 */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (v) => {
        timer.cancel();
        resolve(v);
      },
      (e: unknown) => {
        timer.cancel();
        reject(e);
      },
    );
  });
}
